/**
 * Typed configuration from command-line flags and the environment. Each setting is declared once
 * (flag name, environment variable, default, parser); a flag wins over the environment, which wins
 * over the default. A bad value is an error that names the flag and the variable.
 */
export interface Setting<T> {
  flag: string;
  env?: string;
  default: T;
  description: string;
  parse: (raw: string) => T;
}

export type Settings = Record<string, Setting<unknown>>;
export type ConfigOf<S extends Settings> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const parsers = {
  string: (raw: string): string => raw,
  port: (raw: string): number => {
    const port = Number(raw);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new ConfigError(`"${raw}" is not a TCP port (0-65535)`);
    return port;
  },
  positiveNumber: (raw: string): number => {
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new ConfigError(`"${raw}" is not a non-negative number`);
    return value;
  },
  boolean: (raw: string): boolean => {
    if (['true', '1', 'yes', ''].includes(raw)) return true;
    if (['false', '0', 'no'].includes(raw)) return false;
    throw new ConfigError(`"${raw}" is not a boolean (true|false)`);
  },
};

/** Splits argv into `--name value` / `--name=value` / bare `--flag` options and positional arguments. */
export function parseArgs(argv: readonly string[]): { flags: Map<string, string>; positional: string[] } {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq > 0) {
      flags.set(arg.slice(2, eq), arg.slice(eq + 1));
    } else {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        flags.set(arg.slice(2), next);
        i++;
      } else {
        flags.set(arg.slice(2), '');
      }
    }
  }
  return { flags, positional };
}

export function loadConfig<S extends Settings>(
  settings: S,
  flags: Map<string, string>,
  env: NodeJS.ProcessEnv = process.env,
): ConfigOf<S> {
  const known = new Set(Object.values(settings).map((s) => s.flag));
  for (const name of flags.keys()) {
    if (!known.has(name)) {
      throw new ConfigError(`unknown flag --${name}; known flags: ${[...known].map((f) => '--' + f).join(', ')}`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(settings)) {
    const fromFlag = flags.get(setting.flag);
    const fromEnv = setting.env ? env[setting.env] : undefined;
    const raw = fromFlag ?? (fromEnv === '' ? undefined : fromEnv);
    if (raw === undefined) {
      out[key] = setting.default;
      continue;
    }
    try {
      out[key] = setting.parse(raw);
    } catch (err) {
      const source = fromFlag !== undefined ? `--${setting.flag}` : `$${setting.env}`;
      throw new ConfigError(`${source}: ${(err as Error).message}`);
    }
  }
  return out as ConfigOf<S>;
}

export function describeSettings(settings: Settings): string {
  return Object.values(settings)
    .map((s) => `  --${s.flag}${s.env ? ` ($${s.env})` : ''}  ${s.description} [default: ${JSON.stringify(s.default)}]`)
    .join('\n');
}
