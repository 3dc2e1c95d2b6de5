// Frame b minus frame a, computed locally so the webview and the report can compare any two frames
// they hold. Same idea as fa-lsp's framealloc/diff (summary; tags by path; threads by index; sites by
// file:line:kind) but with both sides kept so tables can show "a → b (delta)".
import type {Snapshot, SnapshotSite, SnapshotSummary, SnapshotThread} from './protocol';
import {buildTagTree, flattenTree} from './tagTree';

export interface Delta {
  a: number;
  b: number;
  delta: number
}
export interface TagDelta extends Delta {
  path: string
}
export interface ThreadDelta extends Delta {
  index: number;
  name: string;
  /** Per-field figures; a and b are the thread's frame_used + pool + heap bytes. */
  fields: Record<'frame_used_bytes'|'pool_bytes'|'heap_bytes'|'allocations'|'remote_frees', Delta>;
}
export interface SiteDelta extends Delta {
  key: string;
  file: string;
  line: number;
  kind: string;
  function: string
}

export interface FrameDiff {
  from: number;
  to: number;
  summary: Record<keyof SnapshotSummary, Delta>&{duration_us: Delta};
  /** Cumulative inclusive bytes per tag path (delta = allocated between a and b), largest change first. */
  tags: TagDelta[];
  threads: ThreadDelta[];
  /** Cumulative requested bytes per site (delta = requested between a and b), largest change first. */
  sites: SiteDelta[];
}

function delta(a: number, b: number): Delta { return {a, b, delta: b - a}; }

const SUMMARY_KEYS: (keyof SnapshotSummary)[] = [
  'frame_bytes',
  'pool_bytes',
  'heap_bytes',
  'total_bytes',
  'frame_peak_bytes',
  'pool_peak_bytes',
  'heap_peak_bytes',
  'allocations',
  'frees',
  'failed_allocations',
  'thread_count',
  'diagnostics_reported',
];
const THREAD_KEYS = ['frame_used_bytes', 'pool_bytes', 'heap_bytes', 'allocations', 'remote_frees'] as const;

export function siteKey(s: Pick<SnapshotSite, 'file'|'line'|'kind'>): string {
  return `${s.file}:${s.line}:${s.kind}`;
}

function threadBytes(t: SnapshotThread|undefined): number {
  return t ? t.frame_used_bytes + t.pool_bytes + t.heap_bytes : 0;
}

/** One entry per file:line:kind; the same line under two tags is one site, so its bytes add up. */
function bytesBySite(list: SnapshotSite[]): Map < string, {
  site: SnapshotSite;
  bytes: number
}
> {
  const out = new Map < string, {
    site: SnapshotSite;
    bytes: number
  }
  > ();
  for (const s of list) {
    const key = siteKey(s);
    const entry = out.get(key);
    if (entry)
      entry.bytes += s.bytes;
    else
      out.set(key, {site: s, bytes: s.bytes});
  }
  return out;
}

const byMagnitude = (x: Delta, y: Delta): number => Math.abs(y.delta) - Math.abs(x.delta) || y.b - x.b;

export function diffFrames(a: Snapshot, b: Snapshot): FrameDiff {
  const summary = {duration_us: delta(a.duration_us, b.duration_us)} as FrameDiff['summary'];
  for (const k of SUMMARY_KEYS) summary[k] = delta(a.summary[k], b.summary[k]);

  const tagsA = new Map(flattenTree(buildTagTree(a)).map((n) => [n.path, n.inclusive.total]));
  const tagsB = new Map(flattenTree(buildTagTree(b)).map((n) => [n.path, n.inclusive.total]));
  const tags: TagDelta[] = [];
  for (const path of new Set([...tagsA.keys(), ...tagsB.keys()])) {
    tags.push({path, ...delta(tagsA.get(path) ?? 0, tagsB.get(path) ?? 0)});
  }
  tags.sort((x, y) => byMagnitude(x, y) || x.path.localeCompare(y.path));

  const threadsA = new Map(a.threads.map((t) => [t.index, t]));
  const threadsB = new Map(b.threads.map((t) => [t.index, t]));
  const threads: ThreadDelta[] = [];
  for (const index of [...new Set([...threadsA.keys(), ...threadsB.keys()])].sort((x, y) => x - y)) {
    const ta = threadsA.get(index), tb = threadsB.get(index);
    const fields = {} as ThreadDelta['fields'];
    for (const k of THREAD_KEYS) fields[k] = delta(ta?.[k] ?? 0, tb?.[k] ?? 0);
    threads.push(
        {index, name: tb?.name ?? ta?.name ?? '', fields, ...delta(threadBytes(ta), threadBytes(tb))});
  }

  const sitesA = bytesBySite(a.sites), sitesB = bytesBySite(b.sites);
  const sites: SiteDelta[] = [];
  for (const key of new Set([...sitesA.keys(), ...sitesB.keys()])) {
    const sa = sitesA.get(key), sb = sitesB.get(key);
    const site = (sb ?? sa)!.site;
    sites.push({
      key,
      file: site.file,
      line: site.line,
      kind: site.kind,
      function: site.function,
      ...delta(sa?.bytes ?? 0, sb?.bytes ?? 0),
    });
  }
  sites.sort((x, y) => byMagnitude(x, y) || x.key.localeCompare(y.key));

  return {from: a.frame, to: b.frame, summary, tags, threads, sites};
}
