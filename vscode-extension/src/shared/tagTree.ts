// Builds the tag hierarchy from a snapshot's flat tag list. Snapshot tag figures are EXCLUSIVE
// (bytes attributed while exactly that path was current, see runtime tags.hpp); the tree adds
// inclusive sums, the delta against the previous frame and the tag's budget.
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
  /** Inclusive total minus the previous frame's inclusive total for the same path; null without one. */
  deltaInclusive: number|null;
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

  if (previous) {
    const before = indexTree(buildTagTree(previous));
    for (const [path, node] of nodes) {
      const old = before.get(path);
      node.deltaInclusive = old ? node.inclusive.total - old.inclusive.total : null;
    }
  }
  sortTree(roots);
  return roots;
}
