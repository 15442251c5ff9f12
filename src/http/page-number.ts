// `?page=N` on feeds and on lists of articles: a whole number from 1, or a 400 naming `page`.
import { HttpError } from './errors.js';

export function parsePageNumber(value: unknown): number {
  if (value === undefined || value === null) return 1;
  if (typeof value !== 'string' || !/^[1-9]\d{0,6}$/.test(value)) {
    throw new HttpError(400, 'Invalid page', 'page must be a whole number from 1', [{ field: 'page', message: 'must be a whole number from 1' }]);
  }
  return Number(value);
}
