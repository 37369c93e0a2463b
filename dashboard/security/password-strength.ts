/**
 * Dashboard passwords must resist guessing: zxcvbn's estimate (dictionary words, keyboard walks,
 * dates, l33t, the user name itself) must reach score 3 of 4 ("safely unguessable" for an online
 * attack), checked once at start so a weak password never serves a page.
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { UserError } from '../../src/errors.js';

export const MIN_PASSWORD_SCORE = 3;

let factory: ZxcvbnFactory | undefined;
const estimator = (): ZxcvbnFactory => (factory ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs }));

/** Throws a one-line error naming the setting (never the password) when `password` is too weak. */
export function assertStrongPassword(setting: string, username: string, password: string): void {
  const r = estimator().check(password, [username, 'krtrade', 'dashboard', 'kis']);
  if (r.score >= MIN_PASSWORD_SCORE) return;
  const hint = r.feedback.warning ? ` (${r.feedback.warning.replace(/\.$/, '').toLowerCase()})` : '';
  throw new UserError(
    `${setting} is too weak${hint}: use at least 12 characters mixing unrelated words, digits and symbols (strength ${r.score}/4, need ${MIN_PASSWORD_SCORE})`,
  );
}
