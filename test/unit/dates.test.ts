import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, addMonths, daysBetween, isValidIsoDate, toDate, toIsoDate, today } from '../../core/rules/dates';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Any calendar date from 1970 to 2100. */
const anyDate = fc
  .integer({ min: 0, max: 47_481 }) // days from 1970-01-01 up to 2099-12-31
  .map((days) => toIsoDate(new Date(days * 86_400_000)));

/** A date whose day of month is 1–28, so adding months never needs clamping. */
const dateWithSafeDay = fc
  .record({ year: fc.integer({ min: 1990, max: 2080 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 28 }) })
  .map(({ year, month, day }) => `${year}-${pad(month)}-${pad(day)}`);

describe('addMonths: examples', () => {
  it('adds whole months keeping the day', () => {
    expect(addMonths('2024-03-15', 1)).toBe('2024-04-15');
    expect(addMonths('2024-03-15', 6)).toBe('2024-09-15');
    expect(addMonths('2024-03-15', 36)).toBe('2027-03-15');
  });

  it('crosses the year boundary', () => {
    expect(addMonths('2024-11-30', 2)).toBe('2025-01-30');
    expect(addMonths('2024-12-01', 1)).toBe('2025-01-01');
  });

  it('clamps Jan 31 + 1 month to Feb 28 in a common year', () => {
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28');
    expect(addMonths('2023-01-31', 1)).toBe('2023-02-28');
  });

  it('clamps Jan 31 + 1 month to Feb 29 in a leap year (2024, and 2000 divisible by 400)', () => {
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2000-01-31', 1)).toBe('2000-02-29');
  });

  it('clamps to Feb 28 in 2100, which is not a leap year', () => {
    expect(addMonths('2100-01-29', 1)).toBe('2100-02-28');
  });

  it('clamps Feb 29 + 12 months to Feb 28 of the next (common) year', () => {
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
    expect(addMonths('2024-02-29', 48)).toBe('2028-02-29');
  });

  it('clamps the 31st into 30-day months', () => {
    expect(addMonths('2025-03-31', 1)).toBe('2025-04-30');
    expect(addMonths('2025-08-31', 1)).toBe('2025-09-30');
  });

  it('subtracts months with a negative count', () => {
    expect(addMonths('2025-03-31', -1)).toBe('2025-02-28');
    expect(addMonths('2025-01-15', -2)).toBe('2024-11-15');
  });

  it('adding zero months is the identity', () => {
    expect(addMonths('2025-05-31', 0)).toBe('2025-05-31');
  });
});

describe('addMonths: properties', () => {
  it('when the day is at most 28, adding a then b months equals adding a + b months', () => {
    fc.assert(
      fc.property(dateWithSafeDay, fc.integer({ min: -60, max: 60 }), fc.integer({ min: -60, max: 60 }), (d, a, b) => {
        expect(addMonths(addMonths(d, a), b)).toBe(addMonths(d, a + b));
      }),
    );
  });

  it('when the day is at most 28, the day of month is kept', () => {
    fc.assert(
      fc.property(dateWithSafeDay, fc.integer({ min: -60, max: 60 }), (d, n) => {
        expect(addMonths(d, n).slice(8)).toBe(d.slice(8));
      }),
    );
  });

  it('always yields a valid date in the month n months on, never a later day than the original', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: -48, max: 48 }), (d, n) => {
        const result = addMonths(d, n);
        expect(isValidIsoDate(result)).toBe(true);
        const monthIndex = (iso: string) => Number(iso.slice(0, 4)) * 12 + Number(iso.slice(5, 7)) - 1;
        expect(monthIndex(result) - monthIndex(d)).toBe(n);
        expect(Number(result.slice(8))).toBeLessThanOrEqual(Number(d.slice(8)));
      }),
    );
  });

  it('is monotone: more months never give an earlier date', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 0, max: 48 }), fc.integer({ min: 0, max: 48 }), (d, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(addMonths(d, lo) <= addMonths(d, hi)).toBe(true);
      }),
    );
  });
});

describe('addDays and daysBetween', () => {
  it('examples: over a leap day and over a year end', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(daysBetween('2025-01-01', '2024-01-01')).toBe(-366);
  });

  it('round-trips: daysBetween(d, addDays(d, n)) = n', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: -2000, max: 2000 }), (d, n) => {
        expect(daysBetween(d, addDays(d, n))).toBe(n);
      }),
    );
  });

  it('round-trips: addDays(a, daysBetween(a, b)) = b', () => {
    fc.assert(
      fc.property(anyDate, anyDate, (a, b) => {
        expect(addDays(a, daysBetween(a, b))).toBe(b);
      }),
    );
  });

  it('daysBetween is antisymmetric and its sign follows the ISO string order', () => {
    fc.assert(
      fc.property(anyDate, anyDate, (a, b) => {
        expect(daysBetween(a, b) + daysBetween(b, a)).toBe(0);
        expect(Math.sign(daysBetween(a, b))).toBe(a < b ? 1 : a > b ? -1 : 0);
      }),
    );
  });
});

describe('isValidIsoDate', () => {
  it('rejects days that do not exist: 2025-02-30, 2025-02-29, 2025-04-31, month 13, day 00', () => {
    for (const s of ['2025-02-30', '2025-02-29', '2025-04-31', '2025-13-01', '2025-00-10', '2025-01-00', '1900-02-29']) {
      expect(isValidIsoDate(s), s).toBe(false);
    }
  });

  it('accepts real dates, including leap days', () => {
    for (const s of ['2024-02-29', '2000-02-29', '2025-12-31', '2025-01-01']) {
      expect(isValidIsoDate(s), s).toBe(true);
    }
  });

  it('rejects other formats', () => {
    for (const s of ['2025-1-05', '20250105', '2025/01/05', '2025-01-05T00:00:00Z', ' 2025-01-05', '']) {
      expect(isValidIsoDate(s), JSON.stringify(s)).toBe(false);
    }
  });

  it('accepts every date that toIsoDate produces, and toDate/toIsoDate round-trip', () => {
    fc.assert(
      fc.property(anyDate, (d) => {
        expect(isValidIsoDate(d)).toBe(true);
        expect(toIsoDate(toDate(d))).toBe(d);
      }),
    );
  });
});

describe('today', () => {
  it('is the calendar date in the Netherlands, not in UTC', () => {
    expect(today(new Date('2025-07-14T23:30:00.000Z'))).toBe('2025-07-15'); // 01:30 summer time
    expect(today(new Date('2025-01-14T22:59:00.000Z'))).toBe('2025-01-14'); // 23:59 winter time
    expect(today(new Date('2025-01-14T23:00:00.000Z'))).toBe('2025-01-15');
  });
});
