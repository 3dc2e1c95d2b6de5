// Builds the tag hierarchy from a snapshot's flat tag list. Snapshot tag figures are CUMULATIVE since
// the allocator was created and EXCLUSIVE (bytes allocated while exactly that path was current, see
// runtime tags.hpp); the tree adds inclusive sums, what was allocated since the previous snapshot (and
// per frame) and the tag's budget, whose `used` is live bytes.
import type {Snapshot, SnapshotTag} from './protocol';
import {percentOf} from './format';

export interface KindBytes {
  frame: number;
  pool: number;
  heap: number;
  total: number;
  count: number
}

export interface TagNode {
  path: string;
  name: string;
  depth: number;
  children: TagNode[];
  self: KindBytes;
  inclusive: KindBytes;
  /**
   * Bytes allocated (inclusive) between the previous snapshot and this one: the growth of the cumulative
   * figure. Null without a previous snapshot or when the program restarted in between.
   */
  deltaInclusive: number|null;
  /** deltaInclusive / max(1, frames between the two snapshots); null when deltaInclusive is. */
  perFrame: number|null;
  budget: {limit: number; used: number; peak: number; percent: number}|null;
}

export const TAG_SEPARATOR = '::';
/** Display name of the "" bucket (allocations made with no tag pushed). */
export const UNTAGGED_NAME = '(untagged)';

function zeroBytes(): KindBytes { return {frame: 0, pool: 0, heap: 0, total: 0, count: 0}; }

function bytesOf(tag: SnapshotTag): KindBytes {
  const frame = tag.frame.bytes, pool = tag.pool.bytes, heap = tag.heap.bytes;
  return {
    frame,
    pool,
    heap,
    total: frame + pool + heap,
    count: tag.frame.count + tag.pool.count + tag.heap.count
  };
}

function add(into: KindBytes, from: KindBytes): void {
  into.frame += from.frame;
  into.pool += from.pool;
  into.heap += from.heap;
  into.total += from.total;
  into.count += from.count;
}

function sortTree(nodes: TagNode[]): void {
  nodes.sort((x, y) => y.inclusive.total - x.inclusive.total || x.path.localeCompare(y.path));
  for (const n of nodes) sortTree(n.children);
}

function sumInclusive(node: TagNode): KindBytes {
  const total = {...node.self};
  for (const child of node.children) add(total, sumInclusive(child));
  node.inclusive = total;
  return total;
}

/** Every node of the tree keyed by path (depth-first). */
export function indexTree(roots: TagNode[]): Map<string, TagNode> {
  const index = new Map<string, TagNode>();
  const visit = (n: TagNode): void => {
    index.set(n.path, n);
    n.children.forEach(visit);
  };
  roots.forEach(visit);
  return index;
}

/** Depth-first list of all nodes, parents before children, in display order. */
export function flattenTree(roots: TagNode[]): TagNode[] {
  const out: TagNode[] = [];
  const visit = (n: TagNode): void => {
    out.push(n);
    n.children.forEach(visit);
  };
  roots.forEach(visit);
  return out;
}

/** Cumulative bytes per exact tag path (exclusive figures, as the snapshot reports them). */
function cumulativeByPath(s: Snapshot): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of s.tags) out.set(t.path, (out.get(t.path) ?? 0) + bytesOf(t).total);
  return out;
}

/**
 * True when `b` cannot follow `a` in one run of the program: its frame number or any tag's cumulative
 * bytes went back (a tag vanishing counts as going back to zero), i.e. the program restarted.
 */
export function restartedBetween(a: Snapshot, b: Snapshot): boolean {
  if (b.frame < a.frame) return true;
  const after = cumulativeByPath(b);
  for (const [path, bytes] of cumulativeByPath(a)) {
    if ((after.get(path) ?? 0) < bytes) return true;
  }
  return false;
}

export function buildTagTree(s: Snapshot, previous?: Snapshot): TagNode[] {
  const nodes = new Map<string, TagNode>();
  const roots: TagNode[] = [];

  const nodeFor = (path: string): TagNode => {
    const existing = nodes.get(path);
    if (existing) return existing;
    const parts = path === '' ? [] : path.split(TAG_SEPARATOR);
    const node: TagNode = {
      path,
      name: path === '' ? UNTAGGED_NAME : parts[parts.length - 1],
      depth: Math.max(parts.length - 1, 0),
      children: [],
      self: zeroBytes(),
      inclusive: zeroBytes(),
      deltaInclusive: null,
      perFrame: null,
      budget: null,
    };
    nodes.set(path, node);
    // Parents missing from the snapshot ("a" when only "a::b" was allocated in) are synthesized
    // with zero self bytes so the hierarchy stays intact.
    if (parts.length > 1)
      nodeFor(parts.slice(0, -1).join(TAG_SEPARATOR)).children.push(node);
    else
      roots.push(node);
    return node;
  };

  for (const tag of s.tags) add(nodeFor(tag.path).self, bytesOf(tag));
  for (const b of s.budgets.tags) {
    nodeFor(b.tag).budget = {limit: b.limit, used: b.used, peak: b.peak, percent: percentOf(b.used, b.limit)};
  }
  roots.forEach(sumInclusive);

  if (previous && !restartedBetween(previous, s)) {
    // A path the previous snapshot lacks had allocated nothing yet (tags are listed once they allocate).
    const before = indexTree(buildTagTree(previous));
    const gap = Math.max(1, s.frame - previous.frame);
    for (const [path, node] of nodes) {
      node.deltaInclusive = node.inclusive.total - (before.get(path)?.inclusive.total ?? 0);
      node.perFrame = node.deltaInclusive / gap;
    }
  }
  sortTree(roots);
  return roots;
}
