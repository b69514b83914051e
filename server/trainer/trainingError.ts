// A training failure the user can act on: what went wrong, and where (step, epoch).

export class TrainingError extends Error {
  readonly where: string;
  constructor(message: string, where: string) {
    super(message);
    this.name = 'TrainingError';
    this.where = where;
  }
}
