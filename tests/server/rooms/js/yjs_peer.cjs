// A browser-like peer for the interop test: the real yjs, y-protocols and socket.io-client from
// client/node_modules (NODE_PATH), speaking to the Python server exactly as the SPA does.
// argv: url, auth JSON, text to wait for, text to append. Prints the final state as JSON.
// The wire serializer is the one config/protocol.json names, as in the browser: with msgpack
// (socket.io-msgpack-parser on notepack.io) a Buffer is written as msgpack bin — a bare Uint8Array
// would go out as an extension type the server refuses — and received bin arrives as a Buffer.
const fs = require('fs')
const path = require('path')
const Y = require('yjs')
const syncProtocol = require('y-protocols/sync')
const awarenessProtocol = require('y-protocols/awareness')
const encoding = require('lib0/encoding')
const decoding = require('lib0/decoding')
const { io } = require('socket.io-client')

const protocol = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'config', 'protocol.json'), 'utf8'))
const serializer = protocol.serializer === undefined || protocol.serializer === 'default' ? 'json' : protocol.serializer
if (serializer !== 'json' && serializer !== 'msgpack') {
  console.error(`config/protocol.json: unknown serializer ${JSON.stringify(protocol.serializer)}`)
  process.exit(5)
}
const parserOption = serializer === 'msgpack' ? { parser: require('socket.io-msgpack-parser') } : {}
const wire = (bytes) => (serializer === 'msgpack' ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes)

const [url, authJson, waitFor, append] = process.argv.slice(2)
const doc = new Y.Doc()
const text = doc.getText('code')
const awareness = new awarenessProtocol.Awareness(doc)
const socket = io(url, { auth: JSON.parse(authJson), transports: ['websocket'], reconnection: false, ...parserOption })
let appended = false

const frame = (write) => {
  const encoder = encoding.createEncoder()
  write(encoder)
  return wire(encoding.toUint8Array(encoder))
}

doc.on('update', (update, origin) => {
  if (origin === 'server') return
  const message = frame((e) => { encoding.writeVarUint(e, 0); syncProtocol.writeUpdate(e, update) })
  socket.timeout(5000).emit('sync:message', message, (err, ack) => {
    if (err || !ack.ok) { console.error('no ack', err, ack); process.exit(3) }
    console.log(JSON.stringify({ text: text.toString(), clientID: doc.clientID }))
    socket.disconnect()
    process.exit(0)
  })
})

socket.on('sync:message', (data) => {
  const decoder = decoding.createDecoder(new Uint8Array(data))
  const type = decoding.readVarUint(decoder)
  if (type === 0) {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, 0)
    syncProtocol.readSyncMessage(decoder, encoder, doc, 'server')
    if (encoding.length(encoder) > 1) socket.emit('sync:message', wire(encoding.toUint8Array(encoder)))
  } else if (type === 1) {
    awarenessProtocol.applyAwarenessUpdate(awareness, decoding.readVarUint8Array(decoder), 'server')
  }
  if (!appended && text.toString() === waitFor) {
    appended = true
    text.insert(text.length, append)
  }
})

socket.on('room:welcome', () => {
  socket.emit('sync:message', frame((e) => { encoding.writeVarUint(e, 0); syncProtocol.writeSyncStep1(e, doc) }))
  awareness.setLocalStateField('user', { name: 'Node Peer', color: '#123456' })
  socket.emit('sync:message', frame((e) => {
    encoding.writeVarUint(e, 1)
    encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID]))
  }))
})
socket.on('connect_error', (err) => { console.error('connect_error', err.message); process.exit(2) })
setTimeout(() => { console.error('timed out; text is', JSON.stringify(text.toString())); process.exit(4) }, 20000)
