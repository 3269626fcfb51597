// Types for the untyped packages the XS runner uses (only the parts it calls).
declare module '@endo/init' {}

declare module '@agoric/xsnap' {
  export function xsnap(options: {
    name?: string;
    os: string;
    spawn: typeof import('node:child_process').spawn;
    fs: unknown;
    stdout?: 'ignore' | 'inherit' | 'pipe';
    stderr?: 'ignore' | 'inherit' | 'pipe';
    meteringLimit?: number;
    debug?: boolean;
  }): Promise<unknown>;
}

declare module 'tmp' {
  export function tmpName(opts: unknown, cb: (err: Error | null, name: string) => void): void;
}
