// The service's logger: pino, with every address in a line replaced by its key before the line
// is written, whatever carried it there (an SMTP error, a URL, a message).
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { withAddressKeys } from './mail/hidden-addresses.js';

/** A logger that never writes an address in clear; `destination` defaults to stdout. */
export function createLogger(options: LoggerOptions = {}, destination?: DestinationStream): Logger {
  const settings: LoggerOptions = { name: 'notiziario', ...options, hooks: { ...options.hooks, streamWrite: withAddressKeys } };
  return destination ? pino(settings, destination) : pino(settings);
}
