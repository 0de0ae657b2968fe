import { ValueError } from './errors.js';

/**
 * Rejects option keys the callee does not know, listing the valid ones: in
 * plain JS a misspelt `{ignore_index: 0}` must not be silently ignored.
 */
export function checkOptions<T extends object>(op: string, options: T | undefined | null, valid: readonly string[]): T {
  if (options === undefined || options === null) return {} as T;
  if (typeof options !== 'object' || Array.isArray(options))
    throw new ValueError(`${op}: options must be an object, got ${Array.isArray(options) ? 'an array' : typeof options}`);
  for (const key of Object.keys(options))
    if (!valid.includes(key)) throw new ValueError(`${op}: unknown option '${key}'; valid options are ${valid.join(', ')}`);
  return options;
}
