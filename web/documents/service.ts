/**
 * The documents of one year, from two campaign Queries (status, registry rows) and printed on demand. A list is
 * fixed once published, so its PDFs are kept in memory by (year, document, publication instant): a reprint is the
 * same file, and the public final list costs Chromium once per year, not once per visitor.
 */
import type { Client } from '@temporalio/client';
import { campaignApplications, campaignStatus } from '../../client/campaigns';
import type { Directory } from '../../domain/directory';
import type { RegistryRow } from '../../workflows/campaign/messages';
import { listCsv, scoresCsv } from './csv';
import { draftList, finalList, scoreRows, type DocumentStatus, type PublishedList } from './model';
import type { Printer } from './printer';
import { certificateHtml, finalListHtml, publicityNoticeHtml } from './render';

export interface YearState {
  status: DocumentStatus;
  rows: RegistryRow[];
}

/** A year's two lists; both are fixed once the final list is confirmed. */
export interface YearLists {
  year: number;
  draft?: PublishedList;
  final?: PublishedList;
}

/** Kept PDFs; a year has a notice, a final list and about five certificates. */
const CACHE_LIMIT = 64;

export class DocumentService {
  private readonly cache = new Map<string, Buffer>();
  /**
   * Years whose final list is confirmed: nothing in their lists can change, so they are answered without a Query.
   * A closed campaign answers a Query only by replaying its history, which took over 10 s on this loaded machine.
   */
  private readonly settled = new Map<number, YearLists>();

  constructor(
    private readonly directory: Directory,
    private readonly printer: Printer,
    /** "http://…/public/<year>": where the 公示 notice says objections are filed. */
    private readonly publicPage: (year: number) => string,
  ) {}

  /** Both Queries at once; throws client UserError when there is no campaign for the year. */
  static async load(client: Client, year: number): Promise<YearState> {
    const [status, rows] = await Promise.all([campaignStatus(client, year), campaignApplications(client, year, '')]);
    return { status, rows };
  }

  /** A year's lists if its final list is confirmed and was seen before: no Query needed. */
  settledLists(year: number): YearLists | undefined {
    return this.settled.get(year);
  }

  /** The year's lists from its state; kept once the final list is confirmed. */
  listsOf(s: YearState): YearLists {
    const lists = { year: s.status.year, draft: this.draft(s), final: this.final(s) };
    if (lists.final) this.settled.set(lists.year, lists);
    return lists;
  }

  draft(s: YearState): PublishedList | undefined {
    return draftList(s.status, s.rows, this.directory);
  }

  final(s: YearState): PublishedList | undefined {
    return finalList(s.status, s.rows, this.directory);
  }

  private async kept(key: string, make: () => Promise<Buffer>): Promise<Buffer> {
    const hit = this.cache.get(key);
    if (hit) return hit;
    const pdf = await make();
    if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, pdf);
    return pdf;
  }

  publicityNoticePdf(list: PublishedList): Promise<Buffer> {
    return this.kept(`${list.year}:notice:${list.at}`, () =>
      this.printer.pdf(publicityNoticeHtml(list, this.publicPage(list.year)), {
        pageNumbers: true,
        documentDate: list.at,
      }),
    );
  }

  finalListPdf(list: PublishedList): Promise<Buffer> {
    return this.kept(`${list.year}:final:${list.at}`, () =>
      this.printer.pdf(finalListHtml(list), { pageNumbers: true, documentDate: list.at }),
    );
  }

  /** undefined when the committee is not on the final list. */
  certificatePdf(list: PublishedList, committeeId: string): Promise<Buffer> | undefined {
    const entry = list.entries.find((e) => e.committeeId === committeeId);
    if (!entry) return undefined;
    return this.kept(`${list.year}:certificate:${committeeId}:${list.at}`, () =>
      this.printer.pdf(certificateHtml(list, entry), { landscape: true, documentDate: list.at }),
    );
  }

  listCsv(list: PublishedList): string {
    return listCsv(list);
  }

  /** `scores`: the five goods' scores of each inspected application (committee id → scores). */
  scoresCsv(s: YearState, scores?: ReadonlyMap<string, Record<string, number>>): string {
    return scoresCsv(s.status.year, scoreRows(s.rows, this.directory, scores));
  }
}
