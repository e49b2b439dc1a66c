/** What the channel layer says (the Cloud API's 24-hour window, interactive menus). */
export const channels: Record<string, string> = {
  'channels.window_closed':
    'No se puede enviar un mensaje libre a este cliente: han pasado más de 24 horas desde su último mensaje a este número y WhatsApp solo permite enviarle una plantilla aprobada.',
  'channels.no_transport': 'No hay ningún canal de WhatsApp conectado para ese número; el mensaje no se ha enviado.',
};
