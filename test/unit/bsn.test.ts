import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidBsn, normaliseBsn } from '../../core/rules/bsn';

/** The elfproef written out independently from docs/domain.md: S = 9·d1 + … + 2·d8 − d9, valid iff S mod 11 = 0. */
function weightedSumOfFirstEight(digits: readonly number[]): number {
  return digits.slice(0, 8).reduce((sum, d, i) => sum + (9 - i) * d, 0);
}

const digit = fc.integer({ min: 0, max: 9 });
const eightDigits = fc.array(digit, { minLength: 8, maxLength: 8 });
const nineDigitString = fc.array(digit, { minLength: 9, maxLength: 9 }).map((ds) => ds.join(''));

/** Valid BSNs, built by choosing eight digits and the one check digit that satisfies the formula. */
const validBsn = eightDigits
  .map((ds) => {
    const check = weightedSumOfFirstEight(ds) % 11;
    return { ds, check };
  })
  .filter(({ ds, check }) => check <= 9 && !(ds.every((d) => d === 0) && check === 0))
  .map(({ ds, check }) => [...ds, check].join(''));

describe('BSN elfproef: the examples of docs/domain.md', () => {
  it('accepts 123456782', () => {
    expect(isValidBsn('123456782')).toBe(true);
  });

  it('rejects 123456783 (wrong check digit)', () => {
    expect(isValidBsn('123456783')).toBe(false);
  });

  it('rejects 000000000 even though its weighted sum is 0', () => {
    expect(isValidBsn('000000000')).toBe(false);
  });

  it('left-pads an 8-digit number with 0 before checking', () => {
    // 0·9 + 1·8 + 1·7 + 1·6 + 1·5 + 1·4 + 1·3 + 1·2 − 2 = 33 = 3·11
    expect(isValidBsn('011111112')).toBe(true);
    expect(isValidBsn('11111112')).toBe(true);
    expect(normaliseBsn('11111112')).toBe('011111112');
  });

  it('keeps a 9-digit BSN unchanged when normalising', () => {
    expect(normaliseBsn('123456782')).toBe('123456782');
  });
});

describe('BSN elfproef: properties', () => {
  it('for any eight digits d1..d8 exactly one check digit is valid, or none when the sum needs a 10', () => {
    fc.assert(
      fc.property(eightDigits, (ds) => {
        const valid = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].filter((d9) => isValidBsn([...ds, d9].join('')));
        const needed = weightedSumOfFirstEight(ds) % 11; // S mod 11 = 0 ⇔ d9 ≡ weighted sum (mod 11)
        const allZero = ds.every((d) => d === 0);
        if (needed === 10) expect(valid).toEqual([]);
        else if (allZero) expect(valid).toEqual([]); // 000000000 is the only candidate, and it is rejected
        else expect(valid).toEqual([needed]);
      }),
    );
  });

  it('agrees with the formula on every 9-digit string', () => {
    fc.assert(
      fc.property(nineDigitString, (s) => {
        const ds = [...s].map(Number);
        const sum = weightedSumOfFirstEight(ds) - ds[8]!;
        expect(isValidBsn(s)).toBe(sum % 11 === 0 && s !== '000000000');
      }),
    );
  });

  it('detects every single-digit error: changing one digit of a valid BSN makes it invalid', () => {
    fc.assert(
      fc.property(validBsn, fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 9 }), (bsn, position, delta) => {
        expect(isValidBsn(bsn)).toBe(true);
        const changed = (Number(bsn[position]) + delta) % 10;
        const mutated = bsn.slice(0, position) + String(changed) + bsn.slice(position + 1);
        expect(mutated).not.toBe(bsn);
        expect(isValidBsn(mutated)).toBe(false);
      }),
    );
  });

  it('accepts an 8-digit number exactly when its 0-padded 9-digit form is valid', () => {
    fc.assert(
      fc.property(fc.array(digit, { minLength: 8, maxLength: 8 }).map((ds) => ds.join('')), (s) => {
        expect(isValidBsn(s)).toBe(isValidBsn(`0${s}`));
      }),
    );
  });

  it('rejects strings of the wrong length (fewer than 8 or more than 9 digits)', () => {
    const wrongLength = fc.oneof(
      fc.array(digit, { minLength: 0, maxLength: 7 }),
      fc.array(digit, { minLength: 10, maxLength: 20 }),
    );
    fc.assert(
      fc.property(wrongLength, (ds) => {
        expect(isValidBsn(ds.join(''))).toBe(false);
      }),
    );
  });

  it('rejects a valid BSN with any non-digit character put in or appended', () => {
    const nonDigit = fc.string({ minLength: 1, maxLength: 1 }).filter((c) => !/\d/.test(c));
    fc.assert(
      fc.property(validBsn, nonDigit, fc.integer({ min: 0, max: 9 }), fc.boolean(), (bsn, c, position, replace) => {
        const candidate = replace
          ? bsn.slice(0, position) + c + bsn.slice(position + 1)
          : bsn.slice(0, position) + c + bsn.slice(position);
        expect(isValidBsn(candidate)).toBe(false);
      }),
    );
  });

  it('rejects formatted input such as spaces, dots and a trailing newline', () => {
    for (const s of ['1234 56 782', '123.456.782', ' 123456782', '123456782\n', '12345678a', '', '-23456782']) {
      expect(isValidBsn(s), JSON.stringify(s)).toBe(false);
    }
  });
});
