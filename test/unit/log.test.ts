/** Log lines: JSON for machines, a line for people on a terminal, chosen per stream or by LOG_FORMAT. */
import { describe, expect, it } from '@jest/globals';
import { createLogger, formatForPeople, lineForPeople, logFormatFor } from '../../src/shared/log';

describe('the log format', () => {
  it('is text on a terminal and JSON on a pipe or a file, unless LOG_FORMAT says otherwise', () => {
    expect(logFormatFor({}, { isTTY: true })).toBe('text');
    expect(logFormatFor({}, { isTTY: false })).toBe('json');
    expect(logFormatFor({}, {})).toBe('json');
    expect(logFormatFor({ LOG_FORMAT: '' }, { isTTY: true })).toBe('text');
    expect(logFormatFor({ LOG_FORMAT: 'json' }, { isTTY: true })).toBe('json');
    expect(logFormatFor({ LOG_FORMAT: 'text' }, { isTTY: false })).toBe('text');
  });

  it('refuses an unknown LOG_FORMAT, saying what it accepts', () => {
    expect(() => logFormatFor({ LOG_FORMAT: 'pretty' }, { isTTY: true })).toThrow(
      'LOG_FORMAT="pretty" is not a log format: use json (one JSON object per line) or text',
    );
  });
});

describe('a logger', () => {
  it('writes one JSON object per line with the bound fields and errors by name and message', () => {
    const lines: string[] = [];
    const log = createLogger('watcher', { write: (line) => lines.push(line) }).child({ kind: 'FileSystem' });
    log.warn('watch failed', { error: new TypeError('boom'), retryInMs: 900 });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      level: 'warn',
      component: 'watcher',
      msg: 'watch failed',
      kind: 'FileSystem',
      error: { name: 'TypeError', message: 'boom' },
      retryInMs: 900,
    });
  });

  it('writes the same event as a line for people in the text format', () => {
    const lines: string[] = [];
    const log = createLogger('watcher', { write: (line) => lines.push(line), format: 'text' });
    log.child({ kind: 'FileSystem' }).info('listed objects', { count: 2, labels: { a: 'b' } });
    expect(lines).toEqual([
      expect.stringMatching(
        /^\d\d:\d\d:\d\d info {2}watcher: listed objects {2}kind=FileSystem count=2 labels=\{"a":"b"\}$/,
      ),
    ]);
    expect(lines[0]).not.toContain('{"time"');
  });

  it('drops events below its level', () => {
    const lines: string[] = [];
    const log = createLogger('x', { level: 'warn', write: (line) => lines.push(line) });
    log.info('quiet');
    log.error('loud');
    expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(['loud']);
  });
});

describe('a log file line for people', () => {
  const record = { time: '2026-01-02T03:04:05.678Z', level: 'error', component: 'stack', msg: 'crashed', pid: 7 };

  it('renders our JSON events and leaves every other line as it is', () => {
    expect(lineForPeople(JSON.stringify(record))).toBe('03:04:05 error stack: crashed  pid=7');
    expect(lineForPeople(JSON.stringify(record))).toBe(formatForPeople(record));
    expect(lineForPeople('I1201 kube-apiserver output')).toBe('I1201 kube-apiserver output');
    expect(lineForPeople('{"not": "ours"}')).toBe('{"not": "ours"}');
    expect(lineForPeople('{broken')).toBe('{broken');
  });
});
