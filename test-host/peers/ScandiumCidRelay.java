// A DTLS terminator for interop tests, on Eclipse Californium's Scandium (the DTLS stack of Eclipse
// Leshan): a DTLS 1.2 PSK server (TLS_PSK_WITH_AES_128_CCM_8) that grants RFC 9146 Connection IDs,
// forwards each decrypted datagram to an LwM2M server over plain UDP on loopback and relays the answers
// back into the DTLS connection. One upstream socket per DTLS connection, found by the CID the client's
// records carry (by address for a client that uses none), so the upstream server sees one stable
// address for a client whose own address or port changes. Written for this project; Scandium itself
// is not part of it (test-host/client/scandium-cid.test.ts, $SCANDIUM_CLASSPATH).
//
//   java -cp $SCANDIUM_CLASSPATH:<dir> ScandiumCidRelay <listen port, 0: any> <upstream port> <psk identity> <psk key hex> <cid length>
//
// Prints one line per event on stdout: "listening <port>", "handshake full|resumed <address>",
// "moved <cid> <old address> -> <new address>", "datagram <cid> <address> <bytes>".
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.californium.elements.DtlsEndpointContext;
import org.eclipse.californium.elements.EndpointContext;
import org.eclipse.californium.elements.RawData;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.util.Bytes;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConfig.DtlsRole;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.Handshaker;
import org.eclipse.californium.scandium.dtls.ResumingServerHandshaker;
import org.eclipse.californium.scandium.dtls.SessionAdapter;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.eclipse.californium.scandium.dtls.pskstore.SinglePskStore;

public class ScandiumCidRelay {
  static synchronized void say(String line) { System.out.println(line); System.out.flush(); }

  static byte[] hex(String s) {
    byte[] b = new byte[s.length() / 2];
    for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    return b;
  }

  /** One DTLS connection's upstream socket, and where its client was last heard from. */
  static final class Link {
    final DatagramSocket up;
    volatile EndpointContext ctx;
    Link(DatagramSocket up, EndpointContext ctx) { this.up = up; this.ctx = ctx; }
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    InetSocketAddress upstream = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[1]));
    DtlsConfig.register();
    Configuration cfg = Configuration.createStandardWithoutFile();
    cfg.set(DtlsConfig.DTLS_ROLE, DtlsRole.SERVER_ONLY);
    cfg.set(DtlsConfig.DTLS_CONNECTION_ID_LENGTH, Integer.parseInt(args[4]));
    cfg.set(DtlsConfig.DTLS_RECOMMENDED_CIPHER_SUITES_ONLY, false);
    cfg.setAsList(DtlsConfig.DTLS_CIPHER_SUITES, CipherSuite.TLS_PSK_WITH_AES_128_CCM_8);
    DtlsConnectorConfig.Builder b = DtlsConnectorConfig.builder(cfg)
        .setAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
        .setPskStore(new SinglePskStore(args[2], hex(args[3])))
        .setSessionListener(new SessionAdapter() {
          @Override public void handshakeCompleted(Handshaker h) {
            say("handshake " + (h instanceof ResumingServerHandshaker ? "resumed" : "full") + " " + h.getPeerAddress());
          }
        });
    DTLSConnector dtls = new DTLSConnector(b.build());
    Map<String, Link> links = new ConcurrentHashMap<>();
    dtls.setRawDataReceiver((RawData raw) -> {
      EndpointContext ctx = raw.getEndpointContext();
      Bytes cid = ctx.get(DtlsEndpointContext.KEY_READ_CONNECTION_ID);
      String key = cid != null && !cid.isEmpty() ? cid.getAsString() : raw.getInetSocketAddress().toString();
      try {
        Link l = links.get(key);
        if (l == null) {
          DatagramSocket up = new DatagramSocket(0, InetAddress.getLoopbackAddress());
          Link n = new Link(up, ctx);
          links.put(key, n);
          l = n;
          Thread t = new Thread(() -> {
            byte[] buf = new byte[2048];
            while (true) {
              DatagramPacket p = new DatagramPacket(buf, buf.length);
              try { up.receive(p); } catch (Exception e) { return; }
              byte[] d = java.util.Arrays.copyOf(p.getData(), p.getLength());
              dtls.send(RawData.outbound(d, n.ctx, null, false));
            }
          });
          t.setDaemon(true);
          t.start();
        } else if (!l.ctx.getPeerAddress().equals(ctx.getPeerAddress())) {
          say("moved " + key + " " + l.ctx.getPeerAddress() + " -> " + ctx.getPeerAddress());
        }
        l.ctx = ctx;
        say("datagram " + key + " " + raw.getInetSocketAddress() + " " + raw.getSize());
        l.up.send(new DatagramPacket(raw.getBytes(), raw.getSize(), upstream));
      } catch (Exception e) {
        say("error " + e);
      }
    });
    dtls.start();
    say("listening " + dtls.getAddress().getPort());
    Runtime.getRuntime().addShutdownHook(new Thread(dtls::destroy));
    while (true) Thread.sleep(60_000);
  }
}
