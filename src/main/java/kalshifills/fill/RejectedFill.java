package kalshifills.fill;

/**
 * A fill that could not be stored as a fill, kept with why.
 *
 * @param fillId  the fill's id where one could be made, else empty
 * @param reason  what was wrong with which field, and what was expected
 * @param rawJson the fill exactly as it was received
 */
public record RejectedFill(String fillId, String reason, String rawJson) {
}
