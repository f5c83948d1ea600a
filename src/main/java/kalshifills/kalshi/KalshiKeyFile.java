package kalshifills.kalshi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the RSA private key of a Kalshi API key from a PEM file: PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, as Kalshi
 * hands it out) or PKCS#8 ({@code BEGIN PRIVATE KEY}, as {@code openssl genpkey} writes it).
 *
 * <p>Error messages name the file and what to do, never any part of the key.
 */
public final class KalshiKeyFile {

    private static final Pattern PEM_BLOCK = Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]*)-----END \\1-----");
    /** DER AlgorithmIdentifier of rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters. */
    private static final byte[] RSA_ALGORITHM = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    private KalshiKeyFile() {
    }

    /** @throws IllegalArgumentException naming the file and the fix when it cannot be used */
    public static PrivateKey read(Path file) {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the private key file " + file + " (" + e.getClass().getSimpleName()
                    + "); point it at the PEM file downloaded with the Kalshi API key");
        }
        Matcher block = PEM_BLOCK.matcher(pem);
        if (!block.find()) {
            throw new IllegalArgumentException(file + " holds no PEM private key; expected a '-----BEGIN RSA PRIVATE KEY-----'"
                    + " or '-----BEGIN PRIVATE KEY-----' block");
        }
        String type = block.group(1);
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(block.group(2));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": the " + type + " block is not valid base64; download the key again");
        }
        byte[] pkcs8 = switch (type) {
            case "PRIVATE KEY" -> der;
            case "RSA PRIVATE KEY" -> pkcs8FromPkcs1(der);
            case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException(file + " is encrypted; write an unencrypted copy"
                    + " with 'openssl pkcs8 -topk8 -nocrypt -in <file> -out <new file>' and keep it readable only by the service");
            default -> throw new IllegalArgumentException(file + " holds a '" + type + "' block; expected an RSA private key");
        };
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + " does not hold a valid RSA private key; Kalshi API keys are RSA keys");
        }
    }

    /** A PKCS#1 RSAPrivateKey wrapped in the PKCS#8 PrivateKeyInfo the JDK reads: version 0, rsaEncryption, the key. */
    private static byte[] pkcs8FromPkcs1(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(RSA_ALGORITHM);
        body.writeBytes(derElement(0x04, pkcs1));
        return derElement(0x30, body.toByteArray());
    }

    private static byte[] derElement(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int lengthBytes = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | lengthBytes);
            for (int i = lengthBytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
