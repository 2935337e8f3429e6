/**
 * Structured logs, one event per line on stderr, so stdout stays free for command output. Every
 * event carries `time`, `level`, `component` and `msg`, plus the fields bound with `child()`.
 * A pipe or a file (and `LOG_FORMAT=json`) gets one JSON object per line, for machines; a
 * terminal (and `LOG_FORMAT=text`) gets the same event as a line for people.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;
export type LogFormat = 'json' | 'text';

const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go; default stderr. A logger given its own `write` logs JSON unless told otherwise. */
  write?: (line: string) => void;
  format?: LogFormat;
}

export function createLogger(component: string, options: LoggerOptions = {}, bound: LogFields = {}): Logger {
  const minimum = levelRank[options.level ?? parseLevel(process.env.LOG_LEVEL)];
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const format = options.format ?? (options.write ? 'json' : logFormatFor(process.env, process.stderr));
  const emit = (level: LogLevel, msg: string, fields?: LogFields): void => {
    if (levelRank[level] < minimum) return;
    const record = { time: new Date().toISOString(), level, component, msg, ...bound, ...serializeErrors(fields) };
    write(format === 'json' ? JSON.stringify(record) : formatForPeople(record));
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (fields) => createLogger(component, options, { ...bound, ...fields }),
  };
}

export function parseLevel(value: string | undefined): LogLevel {
  return value === 'debug' || value === 'warn' || value === 'error' ? value : 'info';
}

/** `LOG_FORMAT` when set (json or text), else text on a terminal and JSON anywhere else. */
export function logFormatFor(env: NodeJS.ProcessEnv, stream: { isTTY?: boolean }): LogFormat {
  const value = env.LOG_FORMAT;
  if (value === undefined || value === '') return stream.isTTY ? 'text' : 'json';
  if (value === 'json' || value === 'text') return value;
  throw new Error(`LOG_FORMAT="${value}" is not a log format: use json (one JSON object per line) or text`);
}

/** One event for people: `12:34:56 info  component: message  key=value ...`. */
export function formatForPeople(record: LogFields): string {
  const { time, level, component, msg, ...fields } = record;
  const extra = Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return `${String(time).slice(11, 19)} ${String(level).padEnd(5)} ${String(component)}: ${String(msg)}${extra ? `  ${extra}` : ''}`;
}

/** A log file's line for people when it is one of our JSON events; any other line as it is. */
export function lineForPeople(line: string): string {
  if (!line.startsWith('{')) return line;
  try {
    const record = JSON.parse(line) as LogFields;
    return typeof record.time === 'string' && typeof record.msg === 'string' ? formatForPeople(record) : line;
  } catch {
    return line;
  }
}

function serializeErrors(fields: LogFields | undefined): LogFields | undefined {
  if (!fields) return fields;
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = value instanceof Error ? { name: value.name, message: value.message } : value;
  }
  return out;
}
