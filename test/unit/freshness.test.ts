import { describe, expect, it } from 'vitest';
import type { CachedAnswer } from '../../src/loaders/cache/cached-answer.js';
import { type CachePolicy, freshForScope, freshness } from '../../src/loaders/cache/freshness.js';

const policy: CachePolicy = {
  ttlMs: { '1': 1_000, '7': 2_000, '30': 3_000, month: 10_000 },
  staleGraceMs: 5_000,
  negativeTtlMs: 500,
};
const NOW = 1_000_000;
const rules = freshness(1_000, policy, NOW);
const answer = (age: number): CachedAnswer => ({ kind: 'answer', value: { n: age }, fetchedAt: NOW - age });
const refusal = (age: number, lastGoodAge?: number): CachedAnswer => ({
  kind: 'refusal',
  error: { code: 'UPSTREAM_BAD_REQUEST', message: 'bad', status: 400 },
  fetchedAt: NOW - age,
  ...(lastGoodAge !== undefined && { lastGood: { value: { n: lastGoodAge }, fetchedAt: NOW - lastGoodAge } }),
});

describe('freshness', () => {
  it('keeps an answer fresh for its goodForMs', () => {
    expect(rules.isFresh(answer(999))).toBe(true);
    expect(rules.isFresh(answer(1_000))).toBe(false);
  });

  it('keeps a refusal fresh for negativeTtlMs', () => {
    expect(rules.isFresh(refusal(499))).toBe(true);
    expect(rules.isFresh(refusal(500))).toBe(false);
  });

  it('says when a good answer stops being fresh', () => {
    expect(rules.freshUntil({ value: 1, fetchedAt: NOW - 300 })).toBe(NOW + 700);
  });

  it('offers a good answer as lastGood within its grace, and not after', () => {
    expect(rules.lastGood(answer(5_999))).toEqual({ value: { n: 5_999 }, fetchedAt: NOW - 5_999 });
    expect(rules.lastGood(answer(6_000))).toBeUndefined();
  });

  it('offers the good answer a refusal carries, within that answer’s grace', () => {
    expect(rules.lastGood(refusal(100, 5_000))).toEqual({ value: { n: 5_000 }, fetchedAt: NOW - 5_000 });
    expect(rules.lastGood(refusal(100, 6_000))).toBeUndefined();
    expect(rules.lastGood(refusal(100))).toBeUndefined();
    expect(rules.lastGood(undefined)).toBeUndefined();
  });

  it('keeps an answer for its freshness plus grace, a refusal for its negative TTL or its lastGood’s grace', () => {
    expect(rules.keepFor(answer(0))).toBe(6_000);
    expect(rules.keepFor(answer(2_000))).toBe(4_000);
    expect(rules.keepFor(refusal(0))).toBe(500);
    expect(rules.keepFor(refusal(0, 2_000))).toBe(4_000);
    expect(rules.keepFor(refusal(0, 5_800))).toBe(500);
  });
});

describe('freshForScope', () => {
  it('gives each day scope its own TTL and every month the month TTL', () => {
    expect(['1', '7', '30', '2025-03'].map((scope) => freshForScope(scope, policy))).toEqual([
      1_000, 2_000, 3_000, 10_000,
    ]);
  });
});
