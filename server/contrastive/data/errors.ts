// A data problem the user can fix: what is wrong and where (a path, with a line for text files).

export class DataError extends Error {
  /** `path` or `path:line`. */
  readonly where: string;
  constructor(where: string, message: string) {
    super(`${where}: ${message}`);
    this.name = 'DataError';
    this.where = where;
  }
}
