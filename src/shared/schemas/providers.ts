import { z } from 'zod';
import { SERVICE_TYPES } from '../nrm.ts';
import { PageQuery } from './common.ts';

const Text = (max: number) => z.string().trim().max(max);
const SEXES_SERVED = ['female', 'male', 'other'] as const;
const LanguageCode = z.string().regex(/^[a-z]{2,3}$/, 'a language code such as az, ru, en');
const uniq = <T>(xs: T[]) => [...new Set(xs)];

const ProviderFields = {
  name: Text(200).min(1, 'required'),
  serviceTypes: z.array(z.enum(SERVICE_TYPES)).min(1, 'at least one service').max(SERVICE_TYPES.length).transform(uniq),
  regions: z.array(Text(100).min(1)).max(100).transform(uniq),
  languages: z.array(LanguageCode).max(30).transform(uniq),
  minAge: z.number().int().min(0).max(120),
  maxAge: z.number().int().min(0).max(120),
  sexesServed: z.array(z.enum(SEXES_SERVED)).min(1).max(3).transform(uniq),
  address: Text(500).nullable(),
  phone: z.string().regex(/^\+?[0-9 ()-]{5,30}$/, 'a phone number').nullable(),
  description: Text(5000).nullable(),
  capacityTotal: z.number().int().min(0).max(100_000).nullable(),
};

export const CreateProviderBody = z
  .strictObject({
    /** The agency that runs the service; its users keep the capacity up to date. */
    agencyId: z.uuid(),
    name: ProviderFields.name,
    serviceTypes: ProviderFields.serviceTypes,
    regions: ProviderFields.regions.optional(),
    languages: ProviderFields.languages.optional(),
    minAge: ProviderFields.minAge.optional(),
    maxAge: ProviderFields.maxAge.optional(),
    sexesServed: ProviderFields.sexesServed.optional(),
    address: ProviderFields.address.optional(),
    phone: ProviderFields.phone.optional(),
    description: ProviderFields.description.optional(),
    capacityTotal: ProviderFields.capacityTotal.optional(),
  })
  .refine((b) => (b.minAge ?? 0) <= (b.maxAge ?? 120), { message: 'not above maxAge', path: ['minAge'] });

export const UpdateProviderBody = z.strictObject({
  name: ProviderFields.name.optional(),
  serviceTypes: ProviderFields.serviceTypes.optional(),
  regions: ProviderFields.regions.optional(),
  languages: ProviderFields.languages.optional(),
  minAge: ProviderFields.minAge.optional(),
  maxAge: ProviderFields.maxAge.optional(),
  sexesServed: ProviderFields.sexesServed.optional(),
  address: ProviderFields.address.optional(),
  phone: ProviderFields.phone.optional(),
  description: ProviderFields.description.optional(),
  capacityTotal: ProviderFields.capacityTotal.optional(),
  active: z.boolean().optional(),
});

/** The provider's own users say how many places are free now (for example free shelter beds). */
export const CapacityBody = z.strictObject({ capacityFree: z.number().int().min(0).max(100_000), capacityTotal: ProviderFields.capacityTotal.optional() });

/**
 * The providers directory's orders: `-created` (newest first, the default), `created`, `name`/`-name`,
 * `free`/`-free` (free places; unknown capacity counts as fewer than none).
 */
export const PROVIDER_SORTS = ['-created', 'created', 'name', '-name', 'free', '-free'] as const;
export type ProviderSort = (typeof PROVIDER_SORTS)[number];

export const ProviderSearchQuery = PageQuery.extend({
  /** The order (`-created` by default); a cursor is good only for the order it was made for. */
  sort: z.enum(PROVIDER_SORTS).default('-created'),
  type: z.enum(SERVICE_TYPES).optional(),
  region: Text(100).min(1).optional(),
  language: LanguageCode.optional(),
  /** Only providers serving a person of this age. */
  age: z.coerce.number().int().min(0).max(120).optional(),
  sex: z.enum(SEXES_SERVED).optional(),
  /** Only providers with at least this many free places. */
  minFree: z.coerce.number().int().min(1).max(100_000).optional(),
  agencyId: z.uuid().optional(),
  /** Inactive providers are left out unless asked for. */
  includeInactive: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  q: Text(100).min(2).optional(),
});

export const ProviderView = z.object({
  id: z.uuid(),
  agencyId: z.uuid(),
  agencyName: z.string(),
  name: z.string(),
  serviceTypes: z.array(z.enum(SERVICE_TYPES)),
  regions: z.array(z.string()),
  languages: z.array(z.string()),
  minAge: z.number().int(),
  maxAge: z.number().int(),
  sexesServed: z.array(z.enum(SEXES_SERVED)),
  address: z.string().nullable(),
  phone: z.string().nullable(),
  description: z.string().nullable(),
  capacityTotal: z.number().int().nullable(),
  capacityFree: z.number().int().nullable(),
  capacityUpdatedAt: z.string().nullable(),
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ProviderView = z.infer<typeof ProviderView>;
