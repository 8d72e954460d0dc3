// What a table declares to be drawn in `report` (src/render/report draws each kind generically): the
// IORT as a graph, the PPTT as a tree, the MADT's CPUs on an affinity grid, the SRAT's proximity
// domains, the SLIT as a heat map, and what each table says of each CPU (joined by UID). Types only, below the table declarations that return them.

/** The report section a picture belongs in. */
export type PictureSection = 'iort' | 'topology' | 'namespace';

interface PictureBase {
  section: PictureSection;
  /** the heading over it: "IORT: 12 nodes, 2 ITS groups" */
  title: string;
}

/** A directed graph, laid out by Graphviz when the report is made: every node is an item of the
 * table (its byte offset is its identity), every edge a reference with what it carries. */
export interface GraphPicture extends PictureBase {
  kind: 'graph';
  nodes: {
    /** byte offset of the item in its table (what references point at) */
    at: number;
    /** what kind of node it is, the same text for all of one kind (legend and colour) */
    kind: string;
    /** its lines of text: name first, then facts */
    lines: string[];
    /** its field path (the dump line a click opens) */
    path: string;
  }[];
  edges: { from: number; to: number; label: string; path: string }[];
  /** node kinds from left to right (those earlier point at later ones) */
  ranks: string[];
}

/** A tree of the table's items (parents by reference); a node's resources read as chips. */
export interface TreePicture extends PictureBase {
  kind: 'tree';
  nodes: { at: number; parent?: number; kind: string; label: string; chips: string[]; path: string }[];
}

/** CPUs placed by affinity (MPIDR Aff3.Aff2.Aff1 a row, Aff0 a column). */
export interface CpuGridPicture extends PictureBase {
  kind: 'cpus';
  cpus: { mpidr: bigint; uid: number; state: 'enabled' | 'online-capable' | 'disabled'; path: string }[];
}

/** Proximity domains: what each holds. */
export interface DomainsPicture extends PictureBase {
  kind: 'domains';
  domains: { domain: number; memory: { base: bigint; size: bigint; path: string }[]; cpus: number[]; its: number[]; other: string[] }[];
}

/** A square matrix of small numbers (SLIT distances), drawn as a heat map. */
export interface MatrixPicture extends PictureBase {
  kind: 'matrix';
  labels: string[];
  rows: number[][];
  /** each row's field path */
  paths: string[];
}

/** What one table says of each processor, by its ACPI processor UID (the MADT's MPIDR, the PPTT's
 * place and caches, the SRAT's node): the report joins every table's into one row per CPU. */
export interface PerCpuPicture extends PictureBase {
  kind: 'per-cpu';
  /** the columns this table gives, in order */
  columns: string[];
  /** where its columns go in the row, lower first (the MADT's MPIDR 0, the PPTT's place 1, the SRAT's node 2) */
  rank: number;
  /** each CPU's cells, one per column, and the field path of the item that says so */
  cpus: { uid: number; cells: string[]; path: string }[];
}

/** A namespace (what a DSDT or SSDT declares) as a collapsible tree: objects in tree order, each
 * with its depth, what it is in a few words (a device with its _HID, _UID and _CRS), and the
 * dump line that declares it. */
export interface NamespacePicture extends PictureBase {
  kind: 'namespace';
  objects: { depth: number; name: string; kind: string; facts: string; path: string }[];
}

export type Picture = GraphPicture | TreePicture | CpuGridPicture | DomainsPicture | MatrixPicture | PerCpuPicture | NamespacePicture;
