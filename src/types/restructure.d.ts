// The part of restructure's API this project uses (the package ships no typings).
declare module 'restructure' {
  export class EncodeStream {
    constructor(buffer: Uint8Array);
    buffer: Uint8Array;
    view: DataView;
    pos: number;
    writeBuffer(buffer: Uint8Array): void;
  }
  export class DecodeStream {
    constructor(buffer: Uint8Array);
    buffer: Uint8Array;
    view: DataView;
    pos: number;
    length: number;
    readBuffer(length: number): Uint8Array;
  }
  export interface Type {
    size(value?: unknown, parent?: unknown, includePointers?: boolean): number;
    decode(stream: DecodeStream, parent?: unknown): unknown;
    encode(stream: EncodeStream, value: unknown, parent?: unknown): void;
  }
  export class Struct implements Type {
    constructor(fields: Record<string, Type>);
    size(value?: unknown, parent?: unknown, includePointers?: boolean): number;
    decode(stream: DecodeStream, parent?: unknown): unknown;
    encode(stream: EncodeStream, value: unknown, parent?: unknown): void;
    fromBuffer(buffer: Uint8Array): unknown;
    toBuffer(value: unknown): Uint8Array;
  }
  export const uint8: Type;
  export const uint16le: Type;
  export const uint24le: Type;
  export const uint32le: Type;
  export const uint32be: Type;
}
