namespace SseCodec.Reference;
