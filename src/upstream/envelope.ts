import { z } from 'zod';

/**
 * KeyAPI's envelope, the same for every endpoint: `code` 0 is success, anything else a business
 * error; `data` is read by the endpoint's own schema.
 */
export const envelopeSchema = z.object({
  code: z.number().int(),
  message: z.string().nullish(),
  data: z.unknown().optional(),
  requestId: z.string().nullish(),
});
