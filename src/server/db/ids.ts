import { v7 } from 'uuid';

/**
 * A time-ordered id (UUID version 7, RFC 9562; monotonic within this process) for rows written at a
 * high rate into large tables: the hotline's contacts and messages (migration 0143 has why, and the
 * database's own `uuid_v7()` for the rows it gives an id). Other tables keep random ids.
 */
export const timeOrderedId = (): string => v7();
