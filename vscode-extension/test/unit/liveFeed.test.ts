import {describe, expect, it} from 'vitest';
import {type FeedEvent, isSnapshot, LiveFeed} from '../../src/host/liveFeed';
import {asFrame, example} from './examples';

const base = example('game_three_threads');
const note = (frame: number) => ({snapshot: asFrame(base, frame), delta: null});
const framesOf = (feed: LiveFeed) => feed.frames().map((s) => s.frame);

function recorded(feed: LiveFeed): FeedEvent[] {
  const events: FeedEvent[] = [];
  feed.onDidChange((e) => events.push(e));
  return events;
}

describe('live feed', () => {
  it('keeps the newest framesKept snapshots and announces each', () => {
    const feed = new LiveFeed(3);
    const events = recorded(feed);
    for (let f = 1; f <= 5; ++f) expect(feed.receive(note(f))).toBe(true);
    expect(framesOf(feed)).toEqual([3, 4, 5]);
    expect(events.map((e) => (e.kind === 'snapshot' ? e.snapshot.frame : e.kind))).toEqual([1, 2, 3, 4, 5]);
    expect(feed.latest()?.frame).toBe(5);
    expect(feed.previousOf(feed.latest()!)?.frame).toBe(4);
    expect(feed.previousOf(feed.frame(3)!)).toBeUndefined();
  });

  it('ignores notifications without a valid snapshot and counts them', () => {
    const feed = new LiveFeed(3);
    const events = recorded(feed);
    expect(feed.receive(null)).toBe(false);
    expect(feed.receive({})).toBe(false);
    expect(feed.receive({snapshot: {...base, version: 2}})).toBe(false);
    expect(feed.receive({snapshot: {...base, frame: -1}})).toBe(false);
    expect(feed.receive({snapshot: {...base, tags: 'x'}})).toBe(false);
    expect(feed.rejected).toBe(5);
    expect(events).toEqual([]);
    expect(feed.frames()).toEqual([]);
    expect(isSnapshot(base)).toBe(true);
  });

  it('buffers while paused and shows everything on resume', () => {
    const feed = new LiveFeed(10);
    feed.receive(note(1));
    const events = recorded(feed);
    feed.pause();
    feed.pause();  // idempotent: one event
    feed.receive(note(2));
    feed.receive(note(3));
    expect(framesOf(feed)).toEqual([1]);
    expect(feed.pendingCount()).toBe(2);
    expect(feed.current()?.frame).toBe(1);
    feed.resume();
    expect(framesOf(feed)).toEqual([1, 2, 3]);
    expect(feed.pendingCount()).toBe(0);
    expect(events.map((e) => e.kind)).toEqual(['paused', 'paused', 'history']);
    expect(events[1]).toEqual({kind: 'paused', paused: false});
    feed.receive(note(4));
    expect(feed.latest()?.frame).toBe(4);
  });

  it('keeps at most framesKept frames buffered during a long pause', () => {
    const feed = new LiveFeed(2);
    feed.pause();
    for (let f = 1; f <= 6; ++f) feed.receive(note(f));
    feed.resume();
    expect(framesOf(feed)).toEqual([5, 6]);
  });

  it('resizes to a new framesKept, keeping the newest', () => {
    const feed = new LiveFeed(5);
    for (let f = 1; f <= 5; ++f) feed.receive(note(f));
    const events = recorded(feed);
    feed.setCapacity(2);
    expect(framesOf(feed)).toEqual([4, 5]);
    expect(feed.capacity).toBe(2);
    expect(events).toHaveLength(1);
    expect(() => feed.setCapacity(0)).toThrow(RangeError);
    expect(framesOf(feed)).toEqual([4, 5]);
  });

  it('pins a selected frame and follows the newest again when it is selected or evicted', () => {
    const feed = new LiveFeed(3);
    for (let f = 1; f <= 3; ++f) feed.receive(note(f));
    feed.select(2);
    feed.receive(note(4));
    expect(feed.current()?.frame).toBe(2);
    feed.receive(note(5));  // frame 2 evicted
    expect(feed.current()?.frame).toBe(5);
    feed.select(5);
    expect(feed.selection).toBeUndefined();
    feed.select(99);  // not kept
    expect(feed.selection).toBeUndefined();
  });

  it('adds a restarted server\'s newer frames and keeps the ones already shown', () => {
    const feed = new LiveFeed(4);
    feed.receive(note(5));
    feed.receive(note(6));
    const events = recorded(feed);
    expect(feed.catchUp([
      asFrame(base, 4), asFrame(base, 8), {version: 9} as never, asFrame(base, 7)
    ])).toBe(2);
    expect(framesOf(feed)).toEqual([5, 6, 7, 8]);
    expect(events).toHaveLength(1);
    expect(feed.catchUp([])).toBe(0);
    expect(events).toHaveLength(1);
    feed.pause();
    expect(feed.catchUp([asFrame(base, 9)])).toBe(1);
    expect(framesOf(feed)).toEqual([5, 6, 7, 8]);  // paused: shown on resume
    feed.resume();
    expect(framesOf(feed)).toEqual([6, 7, 8, 9]);
  });

  it('loads a history, dropping invalid entries', () => {
    const feed = new LiveFeed(3);
    feed.receive(note(1));
    feed.load([asFrame(base, 7), {version: 9} as never, asFrame(base, 8)]);
    expect(framesOf(feed)).toEqual([7, 8]);
  });
});
