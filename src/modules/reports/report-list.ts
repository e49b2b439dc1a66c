import type { EntityManager } from '@mikro-orm/sql';
import { CustomerReport, type ICustomerReport } from '../campaigns/customer-report.entity.ts';
import { Usuario } from '../identity/usuario.entity.ts';
import { ValidationError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';
import { normalizePhone } from '../../shared/phone.ts';

/** Generated reports, newest first, optionally of one client (by phone) and of one type. */
export async function listReports(
  em: EntityManager,
  q: { limit: number; offset: number; phone?: string; type?: string },
): Promise<{ rows: ICustomerReport[]; total: number }> {
  const where: Record<string, unknown> = {};
  if (q.type) where.reportType = q.type;
  if (q.phone !== undefined) {
    const phone = normalizePhone(q.phone);
    if (!phone) throw new ValidationError(t('http.invalid_phone', { phone: q.phone }), undefined, 'INVALID_PHONE');
    const user = await em.findOne(Usuario, { phoneNumber: phone });
    if (!user) return { rows: [], total: 0 };
    where.cliente = user.id;
  }
  const [rows, total] = await em.findAndCount(CustomerReport, where as never, { orderBy: { createdAt: 'desc' }, limit: q.limit, offset: q.offset });
  return { rows, total };
}
