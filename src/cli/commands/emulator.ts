import { defaultPorts } from '../../../dev/stack/ports';
import { startEmulator } from '../../../dev/emulator/server';
import { defaultConfig } from '../../../dev/emulator/model';
import { defaultThrottleSettings } from '../../../dev/emulator/throttle';
import { ConfigError, parsers } from '../../shared/config';
import { createLogger } from '../../shared/log';
import { defineCommand } from '../command';

const milliseconds = parsers.positiveNumber;
const count = (raw: string): number => {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new ConfigError(`"${raw}" is not a whole number`);
  return value;
};
const positive = (raw: string): number => {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(`"${raw}" is not a positive number`);
  return value;
};

export const emulatorCommand = defineCommand({
  name: 'emulator',
  summary: 'Run the local EFS emulator (the EFS REST-JSON API plus an admin API under /__admin)',
  usage: '[--port N] [--host 127.0.0.1] [--create-delay-ms MS] ...',
  settings: {
    port: {
      flag: 'port',
      env: 'EFS_EMULATOR_PORT',
      default: defaultPorts.EFS_EMULATOR_PORT,
      description: 'TCP port (0 picks a free one)',
      parse: parsers.port,
    },
    host: {
      flag: 'host',
      env: 'EFS_EMULATOR_HOST',
      default: '127.0.0.1',
      description: 'address to listen on',
      parse: parsers.string,
    },
    region: {
      flag: 'region',
      env: 'EFS_EMULATOR_REGION',
      default: defaultConfig.region,
      description: 'Region for requests without a SigV4 scope',
      parse: parsers.string,
    },
    accountId: {
      flag: 'account-id',
      env: 'EFS_EMULATOR_ACCOUNT_ID',
      default: defaultConfig.accountId,
      description: 'account id in OwnerId and ARNs',
      parse: (raw: string) => {
        if (!/^\d{12}$/.test(raw)) throw new ConfigError(`"${raw}" is not a 12-digit account id`);
        return raw;
      },
    },
    createDelayMs: {
      flag: 'create-delay-ms',
      env: 'EFS_EMULATOR_CREATE_DELAY_MS',
      default: defaultConfig.createDelayMs,
      description: 'file system creating -> available',
      parse: milliseconds,
    },
    updateDelayMs: {
      flag: 'update-delay-ms',
      env: 'EFS_EMULATOR_UPDATE_DELAY_MS',
      default: defaultConfig.updateDelayMs,
      description: 'file system updating -> available',
      parse: milliseconds,
    },
    deleteDelayMs: {
      flag: 'delete-delay-ms',
      env: 'EFS_EMULATOR_DELETE_DELAY_MS',
      default: defaultConfig.deleteDelayMs,
      description: 'file system deleting -> gone',
      parse: milliseconds,
    },
    mountTargetCreateDelayMs: {
      flag: 'mount-target-create-delay-ms',
      env: 'EFS_EMULATOR_MOUNT_TARGET_CREATE_DELAY_MS',
      default: defaultConfig.mountTargetCreateDelayMs,
      description: 'mount target creating -> available',
      parse: milliseconds,
    },
    mountTargetDeleteDelayMs: {
      flag: 'mount-target-delete-delay-ms',
      env: 'EFS_EMULATOR_MOUNT_TARGET_DELETE_DELAY_MS',
      default: defaultConfig.mountTargetDeleteDelayMs,
      description: 'mount target deleting -> gone',
      parse: milliseconds,
    },
    fileSystemLimit: {
      flag: 'file-system-limit',
      env: 'EFS_EMULATOR_FILE_SYSTEM_LIMIT',
      default: defaultConfig.fileSystemLimit,
      description: 'file systems per account and Region',
      parse: count,
    },
    throttle: {
      flag: 'throttle',
      env: 'EFS_EMULATOR_THROTTLE',
      default: true,
      description: 'throttle requests by rate per account, Region and operation family, as AWS does (false: never)',
      parse: parsers.boolean,
    },
    throttleRate: {
      flag: 'throttle-rate',
      env: 'EFS_EMULATOR_THROTTLE_RATE',
      default: defaultThrottleSettings.ratePerSecond,
      description: 'requests a second each operation family allows per account and Region',
      parse: positive,
    },
    throttleBurst: {
      flag: 'throttle-burst',
      env: 'EFS_EMULATOR_THROTTLE_BURST',
      default: defaultThrottleSettings.burst,
      description: 'requests each operation family lets through at once before the rate applies',
      parse: (raw: string) => {
        const value = count(raw);
        if (value < 1) throw new ConfigError(`"${raw}" is not a whole number of at least 1`);
        return value;
      },
    },
    timeScale: {
      flag: 'time-scale',
      env: 'EFS_EMULATOR_TIME_SCALE',
      default: 1,
      description: 'emulated seconds per real second',
      parse: positive,
    },
  },
  async run(config) {
    const log = createLogger('efs-emulator');
    const { throttle, throttleRate, throttleBurst, ...settings } = config;
    const running = await startEmulator({
      ...settings,
      throttle: { enabled: throttle, ratePerSecond: throttleRate, burst: throttleBurst },
      log,
    });
    process.stdout.write(`EFS emulator: ${running.url} (admin API: ${running.adminUrl})\n`);
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    });
    log.info('stopping', { signal });
    await running.close();
    return 0;
  },
});
