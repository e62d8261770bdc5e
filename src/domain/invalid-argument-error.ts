/** An argument the gateway refuses before spending a credit. Mapped to `BAD_USER_INPUT`. */
export class InvalidArgumentError extends Error {
  override readonly name = 'InvalidArgumentError';
  readonly code = 'BAD_USER_INPUT';
  constructor(
    readonly argument: string,
    message: string,
  ) {
    super(message);
  }
}
