// What the simulator adds to the app (hooks-sim.ts, which manifest.json maps to "hal/moddable/hooks"
// on lin); on a board these do nothing: nothing asks a device to stop (it runs until it loses power),
// and its memory is read with xsbug.
export function onStopRequest(_stop: () => void): void { /* a board is never asked */ }
export function memoryMark(_label: string): void { /* xsbug shows a board's memory */ }
export function startMemoryLog(): void { /* xsbug shows a board's memory */ }
