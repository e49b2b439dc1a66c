/** Messages of the HTTP sidecar (webhooks and /api). Keys: `http.<name>`. */
export const http: Record<string, string> = {
  'http.webhook_not_configured':
    'El webhook de Meta no está configurado: falta META_APP_SECRET en la configuración del servidor. No se aceptan cargas sin firmar.',
  'http.webhook_signature_missing':
    'Falta la cabecera X-Hub-Signature-256. Meta firma cada notificación con "sha256=<hmac>" calculado con el secreto de la app.',
  'http.webhook_signature_invalid':
    'La firma X-Hub-Signature-256 no coincide con el cuerpo recibido. Comprueba que META_APP_SECRET es el secreto de la app de Meta.',
  'http.webhook_invalid_json': 'El cuerpo de la notificación no es JSON válido: {detail}',
  'http.webhook_verify_failed':
    'La verificación del webhook ha fallado: se espera hub.mode=subscribe y un hub.verify_token igual a META_VERIFY_TOKEN.',
  'http.webhook_verify_not_configured':
    'La verificación del webhook no está configurada: falta META_VERIFY_TOKEN en la configuración del servidor.',
  'http.unsupported_media_type': 'Tipo de contenido no admitido: envía el cuerpo como application/json.',
  'http.body_too_large': 'El cuerpo de la petición es demasiado grande (máximo {max} bytes).',
  'http.param_too_long': 'Un dato de la dirección es demasiado largo (máximo {max} caracteres).',
  'http.bad_url': 'La dirección no es válida: contiene una secuencia con % mal formada.',
  'http.client.400': 'La petición no es válida.',
  'http.client.405': 'Ese método no está permitido en esta dirección.',
  'http.client.406': 'No puedo responder en el formato pedido: las respuestas son JSON.',
  'http.client.408': 'La petición ha tardado demasiado en llegar.',
  'http.client.413': 'La petición es demasiado grande.',
  'http.client.414': 'La dirección es demasiado larga.',
  'http.client.431': 'Las cabeceras de la petición son demasiado grandes.',
  'http.client.other': 'La petición no es válida (HTTP {status}).',
  'http.rate_limited': 'Demasiadas solicitudes desde tu dirección. Espera {after} y vuelve a intentarlo.',
  'http.campaign_not_found': 'No existe ninguna campaña con el id {id}.',
  'http.campaign_transition':
    'No se puede {action} una campaña en estado "{status}". Estados permitidos para esta acción: {allowed}.',
  'http.campaign_start_required': 'Para programar la campaña indica start_date (fecha y hora futura en formato ISO 8601).',
  'http.campaign_start_past': 'La fecha de inicio {date} ya ha pasado: indica una fecha y hora futura en formato ISO 8601.',
  'http.campaign_end_before_start': 'La fecha de fin debe ser posterior a la fecha de inicio.',
  'http.campaign_not_editable': 'Solo se pueden editar campañas en borrador, programadas o en pausa (esta está "{status}").',
  'http.channel_not_found': 'No existe el canal "{channel}". Canales disponibles: {available}.',
  'http.segment_not_found': 'No existe ningún segmento con el id {id}.',
  'http.template_not_found': 'No existe ninguna plantilla con el id {id}.',
  'http.client_not_found': 'No hay ningún cliente con el teléfono {phone}.',
  'http.invalid_phone': '"{phone}" no es un teléfono válido: usa el formato internacional con prefijo, p. ej. +34600000001.',
  'http.report_not_found': 'No existe ningún informe con el id {id}.',
  'http.report_no_file': 'El informe {id} no tiene un archivo generado todavía.',
  'http.file_not_found': 'No existe ningún archivo con el id {id}.',
  'http.file_forbidden': 'No tienes permiso para descargar este archivo.',
  'http.file_missing': 'El archivo {id} está registrado pero ya no está disponible en el almacenamiento.',
  'http.order_conflict':
    'La referencia externa {ref} ya está registrada para otro cliente o con otros datos; usa una referencia distinta.',
  'http.invalid_total': 'El total "{total}" no es válido: usa un importe positivo con hasta dos decimales, p. ej. 49.90.',
};
