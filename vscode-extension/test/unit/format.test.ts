import {describe, expect, it} from 'vitest';

import {budgetLevel, formatBytes, formatCount, formatDuration, formatPercent, formatSignedBytes, formatSignedCount, percentOf,} from '../../src/shared/format';

describe('formatBytes', () => {
  it('uses binary units with at most one decimal', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(1.5 * 1024 * 1024)).toBe('1.5 MiB');
    expect(formatBytes(14680064)).toBe('14 MiB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3 GiB');
    // A wrapped 64-bit counter stays recognisable instead of printing millions of TiB.
    expect(formatBytes(2 ** 64)).toBe('16 EiB');
  });
  it('rounds up into the next unit instead of printing 1024', () => {
    expect(formatBytes(1024 * 1024 - 1)).toBe('1 MiB');
  });
  it('keeps the sign of negative values and rejects non-finite input', () => {
    expect(formatBytes(-2048)).toBe('-2 KiB');
    expect(formatBytes(Number.NaN)).toBe('—');
  });
});

describe('signed deltas', () => {
  it('always shows a sign', () => {
    expect(formatSignedBytes(1536)).toBe('+1.5 KiB');
    expect(formatSignedBytes(-1048576)).toBe('-1 MiB');
    expect(formatSignedBytes(0)).toBe('±0 B');
    expect(formatSignedBytes(null)).toBe('—');
    expect(formatSignedCount(1234)).toBe('+1,234');
    expect(formatSignedCount(-5)).toBe('-5');
    expect(formatSignedCount(0)).toBe('±0');
  });
});

describe('counts, percents and durations', () => {
  it('groups thousands independent of locale', () => {
    expect(formatCount(912345)).toBe('912,345');
    expect(formatCount(12)).toBe('12');
    expect(formatCount(-1000)).toBe('-1,000');
  });
  it('formats percentages with one decimal', () => {
    expect(formatPercent(75)).toBe('75.0%');
    expect(formatPercent(percentOf(786432, 1048576))).toBe('75.0%');
    expect(formatPercent(null)).toBe('—');
    expect(percentOf(10, 0)).toBe(0);
  });
  it('picks µs, ms or s', () => {
    expect(formatDuration(120)).toBe('120 µs');
    expect(formatDuration(16480)).toBe('16.48 ms');
    expect(formatDuration(1_250_000)).toBe('1.25 s');
  });
  it('classifies budget use at 70, 90 and 100 percent', () => {
    expect(budgetLevel(69.9)).toBe('ok');
    expect(budgetLevel(70)).toBe('warn');
    expect(budgetLevel(90)).toBe('high');
    expect(budgetLevel(100)).toBe('over');
    expect(budgetLevel(250)).toBe('over');
  });
});
