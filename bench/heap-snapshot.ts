/**
 * Attributes a V8 heap snapshot (node:v8 writeHeapSnapshot) of a worker with cached workflows.
 *
 * Retained sizes come from the dominator tree (Lengauer–Tarjan, weak edges ignored, as DevTools does).
 * Each cached workflow has one `Activator` inside the reusable V8 context (the SDK's per-workflow runtime),
 * which holds the workflow's module cache (every module it instantiated: zod, domain/, workflows/, …), its
 * handlers, timers, promises and state. Reported:
 * - the Activator's retained size per workflow (mean, by workflow type when a module of that type is seen);
 * - per module instantiated inside the sandbox: the retained size of its module record, grouped by package
 *   (a module's exports that other modules also reference are retained by the Activator, not the record,
 *   and show up as "activator, not in a module record");
 * - the heap by node type/class name, divided by the number of Activators, for what grows per workflow.
 *
 * `npx tsx bench/heap-snapshot.ts <file.heapsnapshot>` prints the same report for a snapshot on disk.
 */
import { readFileSync } from 'node:fs';

export interface SnapshotReport {
  file: string;
  totalBytes: number;
  nodes: number;
  activators: number;
  activatorRetainedMean: number;
  /** Module package/folder → retained bytes per workflow (mean over Activators). */
  modulesPerWorkflow: Record<string, number>;
  /** Edge from the Activator (its fields) → retained bytes per workflow. */
  activatorFieldsPerWorkflow: Record<string, number>;
  /** Class or node type → self bytes per workflow, over the whole heap (shared objects divide too: compare modes). */
  classesPerWorkflow: Record<string, number>;
  /** Printable summary. */
  lines: string[];
}

interface Graph {
  n: number;
  selfSize: Float64Array;
  name: Uint32Array;
  type: Uint8Array;
  firstEdge: Uint32Array;
  edgeTo: Uint32Array;
  edgeType: Uint8Array;
  edgeName: Uint32Array;
  strings: string[];
  nodeTypes: string[];
  edgeTypes: string[];
}

function load(file: string): Graph {
  const snap = JSON.parse(readFileSync(file, 'utf8'));
  const meta = snap.snapshot.meta;
  const nf: string[] = meta.node_fields;
  const ef: string[] = meta.edge_fields;
  const NF = nf.length;
  const EF = ef.length;
  const nodes: number[] = snap.nodes;
  const edges: number[] = snap.edges;
  const n = nodes.length / NF;
  const iType = nf.indexOf('type');
  const iName = nf.indexOf('name');
  const iSize = nf.indexOf('self_size');
  const iEc = nf.indexOf('edge_count');
  const eType = ef.indexOf('type');
  const eName = ef.indexOf('name_or_index');
  const eTo = ef.indexOf('to_node');
  const g: Graph = {
    n,
    selfSize: new Float64Array(n),
    name: new Uint32Array(n),
    type: new Uint8Array(n),
    firstEdge: new Uint32Array(n + 1),
    edgeTo: new Uint32Array(edges.length / EF),
    edgeType: new Uint8Array(edges.length / EF),
    edgeName: new Uint32Array(edges.length / EF),
    strings: snap.strings,
    nodeTypes: meta.node_types[0],
    edgeTypes: meta.edge_types[0],
  };
  let e = 0;
  for (let i = 0; i < n; i++) {
    g.type[i] = nodes[i * NF + iType];
    g.name[i] = nodes[i * NF + iName];
    g.selfSize[i] = nodes[i * NF + iSize];
    g.firstEdge[i] = e;
    e += nodes[i * NF + iEc];
  }
  g.firstEdge[n] = e;
  for (let j = 0; j < g.edgeTo.length; j++) {
    g.edgeType[j] = edges[j * EF + eType];
    g.edgeName[j] = edges[j * EF + eName];
    g.edgeTo[j] = edges[j * EF + eTo] / NF;
  }
  return g;
}

/** Immediate dominators from node 0 (Lengauer–Tarjan with path compression), weak edges ignored. */
function dominators(g: Graph): Int32Array {
  const weak = g.edgeTypes.indexOf('weak');
  const n = g.n;
  const dfnum = new Int32Array(n).fill(-1);
  const vertex = new Int32Array(n);
  const parent = new Int32Array(n).fill(-1);
  // Iterative DFS.
  let count = 0;
  const stack = new Int32Array(g.edgeTo.length + 1);
  const from = new Int32Array(g.edgeTo.length + 1);
  let sp = 0;
  stack[sp] = 0;
  from[sp++] = -1;
  while (sp > 0) {
    const v = stack[--sp];
    const p = from[sp];
    if (dfnum[v] !== -1) continue;
    dfnum[v] = count;
    vertex[count++] = v;
    parent[v] = p;
    for (let e = g.firstEdge[v + 1] - 1; e >= g.firstEdge[v]; e--) {
      if (g.edgeType[e] === weak) continue;
      const w = g.edgeTo[e];
      if (dfnum[w] === -1) {
        stack[sp] = w;
        from[sp++] = v;
      }
    }
  }
  // Predecessors (reachable only).
  const predCount = new Int32Array(n + 1);
  for (let v = 0; v < n; v++) {
    if (dfnum[v] === -1) continue;
    for (let e = g.firstEdge[v]; e < g.firstEdge[v + 1]; e++) if (g.edgeType[e] !== weak) predCount[g.edgeTo[e] + 1]++;
  }
  for (let i = 0; i < n; i++) predCount[i + 1] += predCount[i];
  const preds = new Int32Array(predCount[n]);
  const fill = predCount.slice(0, n);
  for (let v = 0; v < n; v++) {
    if (dfnum[v] === -1) continue;
    for (let e = g.firstEdge[v]; e < g.firstEdge[v + 1]; e++)
      if (g.edgeType[e] !== weak) preds[fill[g.edgeTo[e]]++] = v;
  }
  const semi = new Int32Array(n).fill(-1);
  const ancestor = new Int32Array(n).fill(-1);
  const best = new Int32Array(n);
  const idom = new Int32Array(n).fill(-1);
  const samedom = new Int32Array(n).fill(-1);
  const bucketHead = new Int32Array(n).fill(-1);
  const bucketNext = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) best[i] = i;
  const path: number[] = [];
  const eval_ = (v: number): number => {
    // Compress the ancestor path iteratively.
    let a = v;
    path.length = 0;
    while (ancestor[a] !== -1 && ancestor[ancestor[a]] !== -1) {
      path.push(a);
      a = ancestor[a];
    }
    for (let i = path.length - 1; i >= 0; i--) {
      const x = path[i];
      const anc = ancestor[x];
      if (dfnum[semi[best[anc]]] < dfnum[semi[best[x]]]) best[x] = best[anc];
      ancestor[x] = ancestor[anc];
    }
    return best[v];
  };
  for (let i = count - 1; i > 0; i--) {
    const w = vertex[i];
    const p = parent[w];
    let s = p;
    for (let k = predCount[w]; k < predCount[w + 1]; k++) {
      const v = preds[k];
      if (dfnum[v] === -1) continue;
      const sp2 = dfnum[v] <= dfnum[w] ? v : semi[eval_(v)];
      if (dfnum[sp2] < dfnum[s]) s = sp2;
    }
    semi[w] = s;
    bucketNext[w] = bucketHead[s];
    bucketHead[s] = w;
    ancestor[w] = p;
    // link(p, w): best[w] = w already.
    for (let v = bucketHead[p]; v !== -1; v = bucketNext[v]) {
      const y = eval_(v);
      if (semi[y] === semi[v]) idom[v] = p;
      else samedom[v] = y;
    }
    bucketHead[p] = -1;
  }
  for (let i = 1; i < count; i++) {
    const w = vertex[i];
    if (samedom[w] !== -1) idom[w] = idom[samedom[w]];
  }
  idom[0] = -1;
  return idom;
}

function retained(g: Graph, idom: Int32Array): Float64Array {
  const r = Float64Array.from(g.selfSize);
  // Children before parents: order by DFS number is not kept, so repeat by depth.
  const depth = new Int32Array(g.n).fill(-1);
  depth[0] = 0;
  const d = (v: number): number => {
    const chain: number[] = [];
    let x = v;
    while (x !== -1 && depth[x] === -1) {
      chain.push(x);
      x = idom[x];
    }
    let base = x === -1 ? 0 : depth[x];
    for (let i = chain.length - 1; i >= 0; i--) depth[chain[i]] = ++base;
    return depth[v];
  };
  const order: number[] = [];
  for (let v = 0; v < g.n; v++)
    if (v === 0 || idom[v] !== -1) {
      d(v);
      order.push(v);
    }
  order.sort((a, b) => depth[b] - depth[a]);
  for (const v of order) if (idom[v] >= 0) r[idom[v]] += r[v];
  return r;
}

const groupOf = (id: string) =>
  id
    .replace(/^\.\/node_modules\/((@[^/]+\/)?[^/]+)\/.*/, '$1')
    .replace(/^\.\/([^/]+\/[^/]+)\/.*/, '$1/')
    .replace(/^\.\/([^/]+)\/[^/]*$/, '$1/');

export function analyseSnapshot(file: string): SnapshotReport {
  const g = load(file);
  const idom = dominators(g);
  const ret = retained(g, idom);
  const str = (i: number) => g.strings[i];
  const tObject = g.nodeTypes.indexOf('object');
  const tString = g.nodeTypes.indexOf('string');
  const eProperty = g.edgeTypes.indexOf('property');
  const eHidden = g.edgeTypes.indexOf('hidden');
  const prop = (v: number, name: string): number => {
    for (let e = g.firstEdge[v]; e < g.firstEdge[v + 1]; e++)
      if (g.edgeType[e] === eProperty && str(g.edgeName[e]) === name) return g.edgeTo[e];
    return -1;
  };
  const activators: number[] = [];
  for (let v = 0; v < g.n; v++) if (g.type[v] === tObject && str(g.name[v]) === 'Activator') activators.push(v);
  const isActivator = new Uint8Array(g.n);
  for (const a of activators) isActivator[a] = 1;
  // Which Activator (if any) dominates each node.
  const owner = new Int32Array(g.n).fill(-2);
  const ownerOf = (v: number): number => {
    const chain: number[] = [];
    let x = v;
    let found = -1;
    while (x !== -1) {
      if (owner[x] !== -2) {
        found = owner[x];
        break;
      }
      if (isActivator[x]) {
        found = x;
        break;
      }
      chain.push(x);
      x = idom[x];
    }
    for (const c of chain) owner[c] = found;
    return found;
  };
  const total = g.selfSize.reduce((a, b) => a + b, 0);
  const A = Math.max(1, activators.length);
  const activatorRetainedMean = activators.reduce((a, v) => a + ret[v], 0) / A;

  // Modules instantiated inside each sandbox: the Activator's moduleCache (a Map: module id → { exports }).
  // Their objects are shared with each other (importers hold their imports' exports), so retained sizes do not
  // divide them: instead each group claims, breadth-first, the nodes of that sandbox it reaches that no group
  // before it claimed: zod first (the library's own module state), then domain/, temporal/, client/, templates/,
  // the SDK's modules, workflows/ last. What no module reaches is the workflow's run: handlers, promises, state.
  const claim = new Int32Array(g.n).fill(-1);
  const groupNames: string[] = [];
  const groupIndex = (k: string) => {
    const i = groupNames.indexOf(k);
    return i >= 0 ? i : groupNames.push(k) - 1;
  };
  const rank = (k: string) =>
    k === 'zod' ? 0 : k.startsWith('domain') ? 1 : k.startsWith('@temporalio') ? 4 : k.startsWith('workflows') ? 5 : 3;
  const modules: Record<string, number> = {};
  const weakEdge = g.edgeTypes.indexOf('weak');
  const eInternal = g.edgeTypes.indexOf('internal');
  for (const a of activators) {
    const cache = prop(a, 'moduleCache');
    if (cache === -1) continue;
    let table = -1;
    for (let e = g.firstEdge[cache]; e < g.firstEdge[cache + 1]; e++)
      if (g.edgeType[e] === eInternal && str(g.edgeName[e]) === 'table') table = g.edgeTo[e];
    if (table === -1) continue;
    const entries: { group: string; record: number }[] = [];
    for (let e = g.firstEdge[table]; e + 1 < g.firstEdge[table + 1]; e++) {
      const k = g.edgeTo[e];
      if (g.type[k] !== tString) continue;
      entries.push({ group: groupOf(str(g.name[k])), record: g.edgeTo[e + 1] });
    }
    entries.sort((x, y) => rank(x.group) - rank(y.group));
    for (const { group, record } of entries) {
      const gi = groupIndex(group);
      const queue = [record];
      while (queue.length) {
        const v = queue.pop()!;
        if (claim[v] !== -1 || ownerOf(v) !== a) continue;
        claim[v] = gi;
        modules[group] = (modules[group] ?? 0) + g.selfSize[v] / A;
        for (let e = g.firstEdge[v]; e < g.firstEdge[v + 1]; e++)
          if (g.edgeType[e] !== weakEdge && claim[g.edgeTo[e]] === -1) queue.push(g.edgeTo[e]);
      }
    }
  }
  let claimed = 0;
  for (const v of Object.values(modules)) claimed += v;
  modules['(no module: the run — handlers, promises, state)'] = activatorRetainedMean - claimed;

  // The Activator's own fields.
  const fields: Record<string, number> = {};
  for (const a of activators)
    for (let e = g.firstEdge[a]; e < g.firstEdge[a + 1]; e++) {
      const w = g.edgeTo[e];
      if (idom[w] !== a) continue;
      const k =
        g.edgeType[e] === eProperty || g.edgeType[e] === eHidden
          ? str(g.edgeName[e])
          : `[${g.edgeTypes[g.edgeType[e]]}]`;
      fields[k] = (fields[k] ?? 0) + ret[w] / A;
    }

  // Self size by class over nodes owned by an Activator, and by the group that claimed them.
  const classes: Record<string, number> = {};
  for (let v = 0; v < g.n; v++) {
    if (ownerOf(v) < 0) continue;
    const t = g.nodeTypes[g.type[v]];
    const k = `${claim[v] >= 0 ? groupNames[claim[v]] : '(run)'} ${t === 'object' || t === 'native' ? str(g.name[v]) : `(${t})`}`;
    classes[k] = (classes[k] ?? 0) + g.selfSize[v] / A;
  }

  const top = (m: Record<string, number>, k = 15) =>
    Object.fromEntries(
      Object.entries(m)
        .sort((a, b) => b[1] - a[1])
        .slice(0, k),
    );
  const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
  const lines = [
    `snapshot ${file}: ${(total / 2 ** 20).toFixed(1)} MiB in ${g.n} nodes; ${activators.length} workflow sandboxes (Activator), ${kib(activatorRetainedMean)} retained each`,
    `  per workflow, by the modules instantiated in its sandbox (first claim):`,
    ...Object.entries(top(modules, 20)).map(([k, v]) => `    ${kib(v).padStart(12)}  ${k}`),
    `  per workflow, by Activator field:`,
    ...Object.entries(top(fields, 12)).map(([k, v]) => `    ${kib(v).padStart(12)}  ${k}`),
    `  per workflow, by group and class (self size):`,
    ...Object.entries(top(classes, 20)).map(([k, v]) => `    ${kib(v).padStart(12)}  ${k}`),
  ];
  return {
    file,
    totalBytes: total,
    nodes: g.n,
    activators: activators.length,
    activatorRetainedMean,
    modulesPerWorkflow: top(modules, 40),
    activatorFieldsPerWorkflow: top(fields, 30),
    classesPerWorkflow: top(classes, 40),
    lines,
  };
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: tsx bench/heap-snapshot.ts <file.heapsnapshot>');
  console.log(analyseSnapshot(file).lines.join('\n'));
}
