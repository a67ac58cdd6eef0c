/**
 * The elfproef for a BSN (burgerservicenummer), as docs/domain.md gives it:
 * 9 digits d1..d9 (an 8-digit number is left-padded with 0);
 * S = 9·d1 + 8·d2 + 7·d3 + 6·d4 + 5·d5 + 4·d6 + 3·d7 + 2·d8 − d9; valid iff S mod 11 = 0.
 * 000000000 is rejected.
 */
export function isValidBsn(input: string): boolean {
  if (!/^\d{8,9}$/.test(input)) return false;
  const digits = input.padStart(9, '0');
  if (digits === '000000000') return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * Number(digits[i]);
  sum -= Number(digits[8]);
  return sum % 11 === 0;
}

/** The canonical 9-digit form of a valid BSN. */
export function normaliseBsn(input: string): string {
  return input.padStart(9, '0');
}
