// Reads CBOR payloads (one hex string per line on stdin) with Jackson's CBOR parser and prints, per
// payload, one line: each number as TYPE:value (TYPE: Jackson's NumberType, INT/LONG/BIG_INTEGER
// for CBOR integers, FLOAT/DOUBLE for CBOR floats), separated by spaces, or ERROR: reason.
// test-host/formats/jackson-cbor.test.ts compiles and runs it when $JACKSON_CBOR_CLASSPATH is set.
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;

public class CborNumbers {
  public static void main(String[] args) throws Exception {
    CBORFactory f = new CBORFactory();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
    for (String line; (line = in.readLine()) != null; ) {
      line = line.trim();
      if (line.isEmpty()) continue;
      byte[] b = new byte[line.length() / 2];
      for (int k = 0; k < b.length; k++) b[k] = (byte) Integer.parseInt(line.substring(2 * k, 2 * k + 2), 16);
      StringBuilder out = new StringBuilder();
      try (JsonParser p = f.createParser(b)) {
        for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
          if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            if (out.length() > 0) out.append(' ');
            out.append(p.getNumberType()).append(':').append(p.getNumberValue());
          }
        }
      } catch (Exception e) {
        out.setLength(0);
        out.append("ERROR: ").append(e.getMessage());
      }
      System.out.println(out.length() == 0 ? "-" : out);
    }
  }
}
