/* How the page asks a busy server again (static/js/api.js): the wait
   doubles from 1 s to at most 16 s, is never shorter than Retry-After (up
   to that cap), and is spread by up to a quarter. */

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { backoffSeconds, BUSY_RETRIES, retryAfter } from '../../static/js/api.js';

const least = () => 0;
const most = () => 1;

test('the wait doubles at each attempt, up to 16 s', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 9].map((attempt) => backoffSeconds(attempt, 1, least)),
    [1, 2, 4, 8, 16, 16, 16]);
});

test('the wait is never shorter than the server asks, up to the cap', () => {
  assert.equal(backoffSeconds(0, 5, least), 5);
  assert.equal(backoffSeconds(3, 5, least), 8);
  assert.equal(backoffSeconds(0, 120, least), 16);
});

test('the spread adds up to a quarter', () => {
  assert.equal(backoffSeconds(2, 1, most), 5);
  assert.equal(backoffSeconds(2, 1, () => 0.5), 4.5);
});

test('five retries: six attempts in all', () => {
  assert.equal(BUSY_RETRIES, 5);
});

test('Retry-After in whole seconds, or the fallback', () => {
  const answer = (value) => ({ headers: { get: () => value } });
  assert.equal(retryAfter(answer('3')), 3);
  assert.equal(retryAfter(answer('2.5')), 3);
  assert.equal(retryAfter(answer(null), 2), 2);
  assert.equal(retryAfter(answer('soon'), 2), 2);
});
