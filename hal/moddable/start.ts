// The program's entry module, at the root specifier "main" (boards/<board>/manifest.json creation.main).
// It only imports the app by its full specifier. XS resolves a module's relative imports against the
// module's specifier, not its file: main.ts's "./hal.js" from the specifier "main" names "hal", which
// does not exist (XS abort: unhandled exception), while from "hal/moddable/main" it names
// "hal/moddable/hal", as in every other module of src/ and hal/, whose specifiers mirror their folders.
import "hal/moddable/main";
