/** The local EFS emulator: start it in-process, drive it through its admin API. See README.md. */
export { startEmulator, type EmulatorOptions, type RunningEmulator } from './server';
export { EmulatorAdminClient, EmulatorAdminError, type EmulatorConfigView } from './admin-client';
export * from './admin-types';
export { type Clock, ControlledClock, ManualClock, systemClock, type ClockState } from './clock';
export { type EmulatorConfig, type LifeCycleState, defaultConfig } from './model';
export { errorCatalogue, type EfsErrorCode } from './errors';
export { emulatedVpcId, defaultSecurityGroupId } from './network';
