import { forbidden } from '../../core/errors/app-error';

/** Who is asking: the token's user, and whether an admin (who may act on anyone's resources). */
export interface Actor {
  userId: string;
  isAdmin: boolean;
}

/** Every resource checks its owner. */
export function assertOwner(resource: { userId: string }, actor: Actor): void {
  if (resource.userId !== actor.userId && !actor.isAdmin) throw forbidden('FORBIDDEN', 'Forbidden');
}
