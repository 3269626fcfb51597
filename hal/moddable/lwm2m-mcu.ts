// The module "lwm2m-mcu" of the library manifest (manifest_lwm2m.json): the application's import.
// Only a re-export by full specifier: XS resolves a module's relative imports against its specifier,
// so the entry's own imports must come from "hal/moddable/index" (see start.ts).
export * from "hal/moddable/index";
