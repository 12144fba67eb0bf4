/** One error type for everything Pathway refuses on purpose; the error handler turns it into JSON. */
export type FieldErrors = Record<string, string>;

export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly fields?: FieldErrors,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what = 'Record') => new AppError('not_found', 404, `${what} not found`);
export const forbidden = (message = 'You may not do this') => new AppError('forbidden', 403, message);
export const unauthorized = (message = 'Sign in first') => new AppError('unauthorized', 401, message);
export const badRequest = (code: string, message: string, fields?: FieldErrors) =>
  new AppError(code, 400, message, fields);
export const conflict = (code: string, message: string, fields?: FieldErrors) =>
  new AppError(code, 409, message, fields);
