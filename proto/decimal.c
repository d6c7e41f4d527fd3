/* decimal.c: MySQL/MariaDB binary DECIMAL to text, as the server prints it. */
#include "proto/value.h"

/*
 * Binary DECIMAL(precision, scale): the integer digits (precision - scale)
 * and the fraction digits (scale) are cut into groups of 9 decimal digits,
 * each stored as a 4-byte big-endian integer; the integer part's leftover
 * leading digits and the fraction's leftover trailing digits take
 * dig2bytes[n] bytes. Layout, with ix = intg % 9 and fx = scale % 9:
 *
 *   size                 field
 *   dig2bytes[ix]        leading integer digits (most significant)
 *   4 * (intg / 9)       whole integer groups
 *   4 * (scale / 9)      whole fraction groups
 *   dig2bytes[fx]        trailing fraction digits
 *
 * The first byte's top bit is inverted (set for positive values); a negative
 * value has every byte inverted, so that the bytes sort like the numbers.
 * DECIMAL(10,2) 1234.5 -> 80 00 04 d2 32; -1234.5 -> 7f ff fb 2d cd.
 */

static const uint8_t dig2bytes[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};

static const uint32_t pow10_9[10] = {1, 10, 100, 1000, 10000, 100000,
    1000000, 10000000, 100000000, 1000000000};

size_t
decimal_bin_size(unsigned precision, unsigned scale)
{
	unsigned intg = precision - scale;

	return (intg / 9) * 4 + dig2bytes[intg % 9] + (scale / 9) * 4 +
	    dig2bytes[scale % 9];
}

/*
 * Read one group of n bytes (1-4) big-endian, undoing the sign mask and, for
 * the first byte of the value, the inverted top bit.
 */
static uint32_t
decimal_group(const uint8_t *p, unsigned n, uint8_t mask, bool first)
{
	uint32_t x = 0;

	for (unsigned i = 0; i < n; i++) {
		uint8_t b = p[i] ^ mask;
		if (first && i == 0)
			b ^= 0x80;
		x = (x << 8) | b;
	}
	return x;
}

/* Write the ndig low decimal digits of x, zero padded, at s. */
static void
decimal_digits(char *s, uint32_t x, unsigned ndig)
{
	while (ndig > 0) {
		s[--ndig] = (char)('0' + x % 10);
		x /= 10;
	}
}

/*
 * Append the text of a binary DECIMAL as decimal2string() prints it: a '-'
 * for negative values (negative zero too if it has a scale: "-0.00", but
 * "0" for DECIMAL(n,0)), leading zeros of
 * the integer part dropped but at least one digit kept, every scale digit
 * kept ("0.000", "-0.50"). A group out of range is malformed.
 */
bool
decimal_to_text(struct sbuf *out, const uint8_t *p, size_t len,
    unsigned precision, unsigned scale, struct proto_err *err)
{
	/* sign + 65 digits + point, with room for whole 9-digit groups */
	char buf[2 + 9 * 8 + 1 + 9 * 4];
	unsigned intg, ix, fx, n, i;
	uint8_t mask;
	uint32_t x;
	char *s = buf + 1, *d;
	const uint8_t *q = p;

	if (precision < 1 || precision > 65 || scale > 30 || scale > precision)
		return proto_fail(err, PROTO_MALFORMED, 0,
		    "DECIMAL(%u,%u): impossible precision/scale", precision,
		    scale);
	if (len != decimal_bin_size(precision, scale))
		return proto_fail(err, PROTO_MALFORMED, 0,
		    "DECIMAL(%u,%u): %zu bytes, want %zu", precision, scale,
		    len, decimal_bin_size(precision, scale));
	intg = precision - scale;
	ix = intg % 9;
	fx = scale % 9;
	mask = (p[0] & 0x80) ? 0 : 0xff;

	/* integer digits, zero padded, into s */
	d = s;
	if (ix > 0) {
		n = dig2bytes[ix];
		x = decimal_group(q, n, mask, q == p);
		if (x >= pow10_9[ix])
			goto bad;
		decimal_digits(d, x, ix);
		d += ix;
		q += n;
	}
	for (i = 0; i < intg / 9; i++) {
		x = decimal_group(q, 4, mask, q == p);
		if (x > 999999999)
			goto bad;
		decimal_digits(d, x, 9);
		d += 9;
		q += 4;
	}
	/* drop leading zeros, keep one digit */
	while (s < d - 1 && *s == '0')
		s++;
	if (s == d)
		*d++ = '0';
	/*
	 * bin2decimal() turns a value with no digits at all (a negative zero
	 * of scale 0) into a plain zero; with a scale the sign stays ("-0.00").
	 */
	if (mask != 0 && (scale > 0 || d - s > 1 || *s != '0'))
		*--s = '-';

	if (scale > 0) {
		*d++ = '.';
		for (i = 0; i < scale / 9; i++) {
			x = decimal_group(q, 4, mask, q == p);
			if (x > 999999999)
				goto bad;
			decimal_digits(d, x, 9);
			d += 9;
			q += 4;
		}
		if (fx > 0) {
			n = dig2bytes[fx];
			x = decimal_group(q, n, mask, q == p);
			if (x >= pow10_9[fx])
				goto bad;
			decimal_digits(d, x, fx);
			d += fx;
			q += n;
		}
	}
	sbuf_add(out, s, (size_t)(d - s));
	return true;
bad:
	return proto_fail(err, PROTO_MALFORMED, 0,
	    "DECIMAL(%u,%u): digit group %u out of range at byte %zu",
	    precision, scale, x, (size_t)(q - p));
}
