/**
 * Prints HTML to PDF with Debian's Chromium (playwright-core's page.pdf; no browser is downloaded). One browser
 * for the web process, started on the first document (ordinary pages never need it), at most two documents
 * printing at once (two cores), closed with the server. The documents are static HTML from our own templates
 * (JavaScript off, offline, no cookies), so the pages are reused: one browser context, at most one page per
 * printing slot, each document replacing the last with setContent. On this loaded 2-core machine a context per
 * document cost 0.7–1.5 s more, and a new page per document 0.3–0.6 s more.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export interface PrintOptions {
  landscape?: boolean;
  /** "第 N 页 共 M 页" at the foot of each page. */
  pageNumbers?: boolean;
  /** The instant the document speaks for: written as its creation date, so a reprint is byte for byte the same. */
  documentDate: string;
}

/** A counting semaphore: `run` waits for one of `size` slots. */
export class Semaphore {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  constructor(size: number) {
    this.free = size;
  }
  get available(): number {
    return this.free;
  }
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

// The footer is its own little page in Chromium: fonts and size must be given there.
const FOOTER = `<div style="width:100%;text-align:center;font-size:9pt;font-family:'AR PL UMing CN','Noto Serif CJK SC',serif;">第 <span class="pageNumber"></span> 页 共 <span class="totalPages"></span> 页</div>`;

/** Chromium's "D:20261130103000+00'00'" for an instant, always the same length. */
function pdfDate(iso: string): string {
  return `D:${new Date(iso).toISOString().replace(/[-:T]/g, '').slice(0, 14)}+00'00'`;
}

/**
 * Chromium writes the print time as /CreationDate and /ModDate. Replaced by the document's own date in a string of
 * the same length, so the cross-reference offsets stay right and two prints of one document are identical.
 */
export function stampDates(pdf: Buffer, iso: string): Buffer {
  const text = pdf.toString('latin1');
  const date = pdfDate(iso);
  const out = text.replace(/\/(CreationDate|ModDate) \(D:[0-9]{14}[^)]*\)/g, (m, key: string) => {
    const value = `/${key} (${date})`;
    return value.length === m.length ? value : m;
  });
  return Buffer.from(out, 'latin1');
}

export class Printer {
  private browser?: Promise<{ browser: Browser; context: BrowserContext }>;
  private readonly slots: Semaphore;
  /** Pages not printing now, of the current browser. */
  private idle: Page[] = [];
  private closed = false;

  constructor(
    /** CHROMIUM_PATH, read when the printer is made (the web process makes one). */
    private readonly executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    concurrency = 2,
  ) {
    this.slots = new Semaphore(concurrency);
  }

  private launch(): Promise<{ browser: Browser; context: BrowserContext }> {
    if (this.closed) throw new Error('printer closed');
    if (!this.browser) {
      const started = chromium.launch({ executablePath: this.executablePath }).then(async (browser) => {
        const context = await browser.newContext({
          locale: 'zh-CN',
          timezoneId: 'Asia/Shanghai',
          javaScriptEnabled: false,
          offline: true,
        });
        return { browser, context };
      });
      this.browser = started;
      this.idle = [];
      // A crashed browser is started again by the next document.
      started.then(
        ({ browser }) => browser.on('disconnected', () => this.browser === started && (this.browser = undefined)),
        () => this.browser === started && (this.browser = undefined),
      );
    }
    return this.browser;
  }

  async pdf(html: string, opts: PrintOptions): Promise<Buffer> {
    return this.slots.run(async () => {
      const { context } = await this.launch();
      const page = this.idle.pop() ?? (await context.newPage());
      let ok = false;
      try {
        await page.setContent(html, { waitUntil: 'load' });
        const pdf = await page.pdf({
          format: 'A4',
          landscape: opts.landscape ?? false,
          printBackground: true,
          preferCSSPageSize: false,
          displayHeaderFooter: opts.pageNumbers ?? false,
          headerTemplate: '<span></span>',
          footerTemplate: opts.pageNumbers ? FOOTER : '<span></span>',
          margin: opts.pageNumbers
            ? { top: '22mm', bottom: '22mm', left: '20mm', right: '20mm' }
            : { top: '0', bottom: '0', left: '0', right: '0' },
        });
        ok = true;
        return stampDates(pdf, opts.documentDate);
      } finally {
        // A page that failed is not trusted again; one that printed waits for the next document.
        if (ok && !page.isClosed() && page.context() === (await this.browser?.catch(() => undefined))?.context)
          this.idle.push(page);
        else await page.close().catch(() => undefined);
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const b = this.browser;
    this.browser = undefined;
    if (b) await (await b.catch(() => undefined))?.browser.close().catch(() => undefined);
  }
}
