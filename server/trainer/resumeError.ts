// A run that cannot be resumed (still running, completed, its spec missing): said to the user as is.
// Its own module so the PyTorch engine's launcher can throw it without loading the tfjs trainer.
export class ResumeError extends Error {}
