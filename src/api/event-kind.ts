// The engine's event numbers (src/client/events.ts Ev) by name, for an application's onEvent log.
export const EventKind = Object.freeze({
  BootstrapStarted: 1, BootstrapFinished: 2, BootstrapFailed: 3, BootstrapRequestSent: 4,
  RegisterSent: 10, Registered: 11, UpdateSent: 12, Updated: 13, RegistrationFailed: 14, Deregistered: 15,
  Request: 16, ObserveStarted: 17, ObserveCancelled: 18, NotifySent: 19, ConfigError: 21, SendSent: 24, SendDone: 25,
  Reboot: 26, FactoryReset: 27, Loaded: 28, DtlsFailed: 29, SecurityUnsupported: 30, RegistrationExhausted: 31,
  SaveFailed: 40, Firmware: 41, CiphersuiteUnsupported: 42,
});
