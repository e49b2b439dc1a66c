export const common: Record<string, string> = {
  'common.internal_error': 'Lo siento, ha ocurrido un error interno. Ya lo estamos revisando; inténtalo de nuevo en unos minutos.',
  'common.not_found': 'No he encontrado lo que buscas.',
  'common.forbidden': 'Lo siento, no tienes permiso para hacer eso.',
  'common.invalid_input': 'Los datos enviados no son válidos: {detail}',
  'common.rate_limited': 'Demasiadas solicitudes. Espera un momento y vuelve a intentarlo.',
  'common.secret_key_missing':
    'El segundo factor (TOTP) no está disponible: falta configurar TOTP_ENCRYPTION_KEY en el servidor. Avisa a quien lo administra.',
  'common.wait.second': '1 segundo',
  'common.wait.seconds': '{n} segundos',
  'common.wait.minute': '1 minuto',
  'common.wait.minutes': '{n} minutos',
  'common.wait.hours': '{n} horas',
  'common.processing': 'Procesando… te aviso en cuanto termine.',
};
