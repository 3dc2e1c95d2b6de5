import {describe, expect, it} from 'vitest';

import {RingBuffer} from '../../src/shared/ringBuffer';

describe('RingBuffer', () => {
  it('keeps items oldest first up to its capacity', () => {
    const r = new RingBuffer<number>(3);
    expect(r.push(1)).toBeUndefined();
    r.push(2);
    expect(r.toArray()).toEqual([1, 2]);
    expect(r.size).toBe(2);
    expect(r.capacity).toBe(3);
    expect(r.newest()).toBe(2);
    expect(r.at(0)).toBe(1);
  });

  it('evicts the oldest item when full and returns it', () => {
    const r = new RingBuffer<number>(3);
    [1, 2, 3].forEach((n) => r.push(n));
    expect(r.push(4)).toBe(1);
    expect(r.push(5)).toBe(2);
    expect(r.toArray()).toEqual([3, 4, 5]);
    expect(r.at(-1)).toBe(5);
    expect(r.at(-3)).toBe(3);
    expect(r.at(3)).toBeUndefined();
    expect(r.at(-4)).toBeUndefined();
    expect(r.find((n) => n > 3)).toBe(4);
  });

  it('wraps many times without losing order', () => {
    const r = new RingBuffer<number>(4);
    for (let i = 0; i < 1003; ++i) r.push(i);
    expect(r.toArray()).toEqual([999, 1000, 1001, 1002]);
  });

  it('shrinks keeping the newest items and returns the dropped ones', () => {
    const r = new RingBuffer<number>(5);
    for (let i = 1; i <= 7; ++i) r.push(i);  // holds 3..7, start index wrapped
    expect(r.resize(2)).toEqual([3, 4, 5]);
    expect(r.toArray()).toEqual([6, 7]);
    expect(r.push(8)).toBe(6);
  });

  it('grows keeping every item and then accepts more before evicting', () => {
    const r = new RingBuffer<number>(2);
    [1, 2, 3].forEach((n) => r.push(n));
    expect(r.resize(4)).toEqual([]);
    expect(r.toArray()).toEqual([2, 3]);
    expect(r.push(4)).toBeUndefined();
    expect(r.push(5)).toBeUndefined();
    expect(r.push(6)).toBe(2);
  });

  it('clears', () => {
    const r = new RingBuffer<number>(2);
    r.push(1);
    r.clear();
    expect(r.size).toBe(0);
    expect(r.newest()).toBeUndefined();
  });

  it('rejects a capacity that is not a positive integer', () => {
    expect(() => new RingBuffer(0)).toThrow(/positive integer, got 0/);
    expect(() => new RingBuffer(2.5)).toThrow(RangeError);
    const r = new RingBuffer<number>(2);
    r.push(1);
    expect(() => r.resize(-1)).toThrow(/got -1/);
    expect(r.toArray()).toEqual([1]);  // a failed resize loses nothing
  });
});
