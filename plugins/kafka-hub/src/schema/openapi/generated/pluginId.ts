export const pluginId = 'kafka-hub';
