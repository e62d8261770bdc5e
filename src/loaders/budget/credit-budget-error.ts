export type BudgetScope = 'operation' | 'client' | 'global';

/** An upstream call refused because it would spend more than a budget allows. */
export class CreditBudgetError extends Error {
  override readonly name = 'CreditBudgetError';
  readonly code = 'CREDIT_BUDGET_EXCEEDED';

  constructor(
    readonly budget: BudgetScope,
    message: string,
  ) {
    super(message);
  }
}
