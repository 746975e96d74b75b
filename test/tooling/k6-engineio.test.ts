import { describe, expect, it } from 'vitest'
import { Encoder, Decoder, PacketType, type Packet } from 'socket.io-parser'
import { decodeFrame, encodeConnect, encodeEvent, encodePong, socketUrl, splitId } from '../../k6/lib/engineio.js'

// The k6 suite's hand-written framing must agree with socket.io-parser, the parser the server runs.
const encoder = new Encoder()
const sioEncode = (packet: Parameters<Encoder['encode']>[0]) => {
  const [text] = encoder.encode(packet)
  return `4${text}` // Engine.IO "message" packet around the Socket.IO packet
}
const sioDecode = (frame: string) => new Promise<Packet>((resolve) => {
  const decoder = new Decoder()
  decoder.on('decoded', (packet: Packet) => resolve(packet))
  decoder.add(frame.slice(1))
})

describe('k6 Engine.IO / Socket.IO framing', () => {
  it('points at the websocket transport of Engine.IO v4', () => {
    expect(socketUrl('http://127.0.0.1:3000/')).toBe('ws://127.0.0.1:3000/socket.io/?EIO=4&transport=websocket')
    expect(socketUrl('https://chat.example.com')).toBe('wss://chat.example.com/socket.io/?EIO=4&transport=websocket')
  })

  it('encodes CONNECT and events the way the server parser reads them', async () => {
    expect(await sioDecode(encodeConnect({ token: 'abc' }))).toMatchObject({ type: PacketType.CONNECT, data: { token: 'abc' } })
    expect(await sioDecode(encodeEvent('typing:start', { conversationId: 'c1' }))).toMatchObject({ type: PacketType.EVENT, data: ['typing:start', { conversationId: 'c1' }] })
    const withAck = await sioDecode(encodeEvent('message:send', { clientId: 'x', content: 'a "quoted" 42' }, 17))
    expect(withAck).toMatchObject({ type: PacketType.EVENT, id: 17, data: ['message:send', { clientId: 'x', content: 'a "quoted" 42' }] })
    expect(await sioDecode(encodeEvent('ping'))).toMatchObject({ type: PacketType.EVENT, data: ['ping'] })
  })

  it('decodes what the server sends', () => {
    expect(decodeFrame('0{"sid":"s","pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}')).toMatchObject({ kind: 'open', handshake: { sid: 's' } })
    expect(decodeFrame(sioEncode({ type: PacketType.CONNECT, nsp: '/', data: { sid: 'abc' } }))).toEqual({ kind: 'connect', sid: 'abc' })
    expect(decodeFrame(sioEncode({ type: PacketType.CONNECT_ERROR, nsp: '/', data: { message: 'UNAUTHENTICATED' } }))).toEqual({ kind: 'connect_error', error: { message: 'UNAUTHENTICATED' } })
    const message = { id: 'm1', seq: 12, content: 'hi [42] {x}' }
    expect(decodeFrame(sioEncode({ type: PacketType.EVENT, nsp: '/', data: ['message:new', { message }] }))).toEqual({ kind: 'event', name: 'message:new', args: [{ message }], ackId: null })
    expect(decodeFrame(sioEncode({ type: PacketType.ACK, nsp: '/', id: 123, data: [{ ok: true }] }))).toEqual({ kind: 'ack', ackId: 123, args: [{ ok: true }] })
    expect(decodeFrame('41')).toEqual({ kind: 'disconnect' })
    expect(decodeFrame('1')).toEqual({ kind: 'close' })
  })

  it('answers pings with pongs and ignores what it does not use', () => {
    const ping = decodeFrame('2')
    expect(ping).toEqual({ kind: 'ping', probe: '' })
    expect(encodePong('')).toBe('3')
    expect(encodePong('probe')).toBe('3probe')
    expect(decodeFrame('6').kind).toBe('ignored')
    expect(decodeFrame('3').kind).toBe('ignored')
    expect(decodeFrame('451-["upload",{"_placeholder":true,"num":0}]').kind).toBe('ignored')
    expect(decodeFrame('43[{"ok":true}]').kind).toBe('ignored') // an ack must carry its id
  })

  it('splits ack ids from their JSON', () => {
    expect(splitId('7["x"]')).toEqual([7, ['x']])
    expect(splitId('["x"]')).toEqual([null, ['x']])
    expect(splitId('12')).toEqual([12, undefined])
  })
})
