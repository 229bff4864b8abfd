import { describe, expect, it } from 'vitest';
import { dayWindow, hourWindow, secondsUntilNextDay } from './day-window';

describe('day windows', () => {
  it('cuts days in the quota time zone, not UTC', () => {
    // 15:30 UTC is 00:30 the next day in Seoul (UTC+9).
    const at = new Date('2026-11-22T15:30:00Z');
    expect(dayWindow(at, 'Asia/Seoul')).toBe('2026-11-23');
    expect(dayWindow(at, 'UTC')).toBe('2026-11-22');
  });

  it('counts the seconds to the next local midnight', () => {
    expect(secondsUntilNextDay(new Date('2026-11-22T14:59:00Z'), 'Asia/Seoul')).toBe(60);
    expect(secondsUntilNextDay(new Date('2026-11-22T15:00:00Z'), 'Asia/Seoul')).toBe(86_400);
  });

  it('names hour windows', () => {
    expect(hourWindow(new Date('2026-11-22T15:30:00Z'))).toBe('2026-11-22T15');
  });
});
