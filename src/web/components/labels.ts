import type { TFunction } from 'i18next';
import type { AgencyType, Role } from '../../shared/roles.ts';

export const roleLabel = (t: TFunction, role: Role): string => t(`role.${role}`);
export const agencyTypeLabel = (t: TFunction, type: AgencyType): string => t(`agencyType.${type}`);
