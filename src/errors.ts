/**
 * Base error types. Errors say what to do next; the CLI prints `UserError`s as one line without a stack.
 * KIS-specific action errors (rate limited, token expired, …) live in `src/kis/errors.ts`.
 */
export class KrtradeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input from a person (CLI args, config, files): report the message, no stack trace. */
export class UserError extends KrtradeError {}

/** Invalid configuration; `issues` lists every bad field with its path. */
export class ConfigError extends UserError {
  constructor(
    readonly source: string,
    readonly issues: readonly string[],
  ) {
    super(`invalid config (${source}):\n  - ${issues.join('\n  - ')}`);
  }
}

export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));
